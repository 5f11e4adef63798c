/**
 * Creates IAM instance profiles in the local moto (RunInstances refuses a profile that does not
 * exist). The project ships no IAM client, and this is the only IAM call the demo makes, so it is
 * one awsQuery POST. moto routes it by the SigV4 credential scope and does not check signatures;
 * this function is only ever pointed at the demo's own local moto.
 */
export async function createInstanceProfile(motoUrl: string, name: string): Promise<void> {
  const date = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  const res = await fetch(motoUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `AWS4-HMAC-SHA256 Credential=testing/${date}/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=local`,
    },
    body: new URLSearchParams({ Action: 'CreateInstanceProfile', Version: '2010-05-08', InstanceProfileName: name }).toString(),
  });
  const text = await res.text();
  if (!res.ok && !text.includes('EntityAlreadyExists')) throw new Error(`CreateInstanceProfile ${name} failed: HTTP ${res.status} ${text.slice(0, 200)}`);
}
