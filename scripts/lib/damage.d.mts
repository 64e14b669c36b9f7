export function damageLeafPage(path: string, name: string, pick: (leaves: number[]) => number | undefined): number;
export function unreadableSeqs(path: string, seqs: readonly number[]): number[];
