/** Shared shape of a key transition, whatever device it came from. */
export interface KeyEvent {
  readonly usage: number;
  readonly down: boolean;
}
