/**
 * Stored text that is not a session record (not JSON, or not a JSON object). The only error
 * decoding a record throws, whatever the text: the store treats it as any failed read.
 */
export class SessionRecordFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SessionRecordFormatError';
  }
}
