// One result row. `higher` says whether a bigger value is better (throughput) or worse (latency, memory).
// `info`: an absolute figure kept for information (it depends on the hour and the host); it never fails the run,
// the same figure's ratio row to its same-run baseline does.
/**
 * @param {string} name
 * @param {number | null} value
 * @param {string} unit
 * @param {{ baseline?: number | null, target?: string, pass?: boolean, note?: string, info?: boolean }} [options]
 */
export function row(name, value, unit, { baseline = null, target, pass, note, info = false } = {}) {
  const ratio = baseline === null || baseline === 0 || value === null ? null : value / baseline;
  return {
    name,
    value,
    unit,
    baseline,
    ratio,
    target,
    pass: info ? true : Boolean(pass),
    ...(info ? { info: true } : {}),
    ...(note ? { note } : {}),
  };
}
