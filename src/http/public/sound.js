/* global window, localStorage -- browser script */
// Short tones for the gate, made with Web Audio (no sound files, nothing from outside): scanners beep the same for a
// good and a bad read, so the kiosk tells them apart. On by default; the receptionist's switch is remembered.
// A kiosk browser must be allowed to play sound without a click first: Chromium --autoplay-policy=no-user-gesture-required.

const KEY = 'qrgate.sound';

/** [frequency Hz, start s, length s, wave] per note: rising for accepted, two flat for a warning, low for refused. */
const TONES = {
  accepted: [
    [880, 0, 0.11, 'sine'],
    [1320, 0.13, 0.16, 'sine'],
  ],
  warning: [
    [660, 0, 0.14, 'triangle'],
    [660, 0.2, 0.14, 'triangle'],
    [660, 0.4, 0.14, 'triangle'],
  ],
  refused: [[196, 0, 0.5, 'square']],
};

let context = null;
/** What was played, for the browser tests (kinds only). */
export const played = [];

export function soundOn() {
  try {
    return localStorage.getItem(KEY) !== 'off';
  } catch {
    return true;
  }
}

export function setSound(on) {
  try {
    localStorage.setItem(KEY, on ? 'on' : 'off');
  } catch {
    // storage disabled: the choice lasts for this page only
  }
}

function audio() {
  const Ctor = window.AudioContext ?? window.webkitAudioContext;
  if (!Ctor) return null;
  context ??= new Ctor();
  if (context.state === 'suspended') void context.resume().catch(() => {});
  return context;
}

/** Any touch or key on the page unlocks audio where the browser still asks for a gesture. */
export function unlockOnGesture(target) {
  const unlock = () => {
    if (soundOn()) audio();
  };
  target.addEventListener('pointerdown', unlock, { passive: true });
  target.addEventListener('keydown', unlock);
}

export function play(kind, enabled) {
  const notes = TONES[kind];
  if (!notes || !enabled) return;
  played.push(kind);
  try {
    const ctx = audio();
    if (!ctx) return;
    const t0 = ctx.currentTime + 0.01;
    for (const [freq, start, length, wave] of notes) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = wave;
      osc.frequency.value = freq;
      // A short ramp in and out: no click at either end.
      gain.gain.setValueAtTime(0, t0 + start);
      gain.gain.linearRampToValueAtTime(wave === 'square' ? 0.12 : 0.3, t0 + start + 0.015);
      gain.gain.setValueAtTime(wave === 'square' ? 0.12 : 0.3, t0 + start + length - 0.03);
      gain.gain.linearRampToValueAtTime(0, t0 + start + length);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t0 + start);
      osc.stop(t0 + start + length + 0.02);
    }
  } catch {
    // no audio device: the screen still says it
  }
}
