// One result row. `higher` says whether a bigger value is better (throughput) or worse (latency, memory).
export function row(name, value, unit, { baseline = null, target, pass, note } = {}) {
  const ratio = baseline === null || baseline === 0 || value === null ? null : value / baseline;
  return { name, value, unit, baseline, ratio, target, pass: Boolean(pass), ...(note ? { note } : {}) };
}
