import { GradRule } from '../grad-rule';

/** Slice's "to the end" for an axis padded only at its start. */
const TO_END = Number.MAX_SAFE_INTEGER;

// y = x surrounded by constants (pads: begins then ends, one per axis);  dx = dy cut back to x: dy[b_i : -e_i] on each padded axis
export const Pad: GradRule = ({ b, dy, input, node }) => {
  const mode = node.attrs.mode;
  if (mode && !(mode.kind === 'string' && mode.value === 'constant')) throw new Error(`Pad '${node.name}': gradient supports mode 'constant' only`);
  if (node.inputs[3]) throw new Error(`Pad '${node.name}': gradient needs pads for every axis (no axes input)`);
  const pads = b.constantOf(input(1));
  if (!pads) throw new Error(`Pad '${node.name}': gradient needs constant pads`);
  const amounts = Array.from(pads.data as BigInt64Array, Number);
  if (amounts.some((p) => p < 0)) throw new Error(`Pad '${node.name}': gradient needs pads >= 0 (negative ones crop)`);
  const rank = amounts.length / 2;
  const axes = [...Array(rank).keys()].filter((a) => amounts[a] > 0 || amounts[a + rank] > 0);
  const dx = !axes.length ? dy : b.slice(dy, axes.map((a) => amounts[a]), axes.map((a) => (amounts[a + rank] > 0 ? -amounts[a + rank] : TO_END)), axes);
  return node.inputs.map((_, i) => (i === 0 ? dx : null));
};
