/** Where the CLI writes; process.stdout / process.stderr satisfy it, tests pass buffers. */
export interface OutStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface Io {
  readonly stdout: OutStream;
  readonly stderr: OutStream;
}

/** Collects output in memory (tests, and the demo when it wants to reprint). */
export class BufferStream implements OutStream {
  text = '';
  constructor(
    readonly isTTY = false,
    readonly columns?: number,
  ) {}
  write(text: string): boolean {
    this.text += text;
    return true;
  }
}
