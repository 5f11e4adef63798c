// The integration tests' moto launcher is the product's (cli/local/aws/moto.ts): one implementation,
// with the watchdog, stderr capture, readiness polling, reset and process-group kill.
import { MotoMissingError, MOTO_INSTALL_HINT, startLocalMoto, type MotoServer, type StartMotoOptions } from '../../../cli/local/aws/moto';

export { MOTO_INSTALL_HINT, type MotoServer, type StartMotoOptions };

/**
 * Starts `moto_server` on a free port and waits until it answers.
 * Throws (never skips) when moto is missing: integration tests that silently pass without moto
 * would prove nothing.
 */
export async function startMoto(options: StartMotoOptions = {}): Promise<MotoServer> {
  try {
    return await startLocalMoto(options);
  } catch (error) {
    if (!(error instanceof MotoMissingError)) throw error;
    throw new MotoMissingError(
      `moto_server is required by the integration tests but was not found on PATH. Install it with: ${MOTO_INSTALL_HINT}`,
    );
  }
}
