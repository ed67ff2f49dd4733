// mailauth 4 ships JavaScript only; the one function Casework calls (see mail-auth.ts).
declare module 'mailauth' {
  export function authenticate(input: Buffer | string, options: Record<string, unknown>): Promise<unknown>;
}
