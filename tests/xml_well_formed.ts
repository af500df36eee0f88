/**
 * A strict well-formedness check for the SVG the chart layer writes, written for the
 * tests (no XML library is a dependency): one root element, every start tag closed by
 * the matching end tag in nesting order, attribute values quoted and unique per
 * element, `&` only in the five predefined or numeric character references, no `<`
 * outside markup, nothing but white space outside the root. Comments, CDATA, DOCTYPE
 * and processing instructions are refused (the renderer writes none), which makes it
 * stricter than XML 1.0, never looser.
 */

const NAME = "[A-Za-z_][A-Za-z0-9_.:-]*";
const REF = /&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);/g;
const TAG = new RegExp(
  `<(/?)(${NAME})((?:\\s+${NAME}\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*)\\s*(/?)>`,
  "y",
);
const ATTR = new RegExp(`(${NAME})\\s*=\\s*(?:"([^"<]*)"|'([^'<]*)')`, "g");

function checkText(text: string, where: number): void {
  if (text.replace(REF, "").includes("&")) {
    throw new Error(`bare "&" near offset ${where}`);
  }
}

/**
 * Check `xml` and count its elements by name.
 *
 * @throws {Error} At the first violation, naming it and the offset.
 */
export function xmlElementCounts(xml: string): Map<string, number> {
  const counts = new Map<string, number>();
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf("<", i);
    const text = xml.slice(i, lt < 0 ? xml.length : lt);
    if (stack.length === 0 && text.trim() !== "") {
      throw new Error(`text outside the root element at offset ${i}`);
    }
    checkText(text, i);
    if (lt < 0) break;
    TAG.lastIndex = lt;
    const m = TAG.exec(xml);
    if (!m) throw new Error(`malformed markup at offset ${lt}`);
    const [whole, close, name, attrs, selfClose] = m;
    if (close) {
      if (attrs || selfClose) throw new Error(`bad end tag at offset ${lt}`);
      const open = stack.pop();
      if (open !== name) {
        throw new Error(`</${name}> closes <${open}> at offset ${lt}`);
      }
    } else {
      if (stack.length === 0 && ++roots > 1) {
        throw new Error(`a second root element at offset ${lt}`);
      }
      const seen = new Set<string>();
      for (const a of attrs.matchAll(ATTR)) {
        if (seen.has(a[1])) {
          throw new Error(`attribute ${a[1]} repeated at offset ${lt}`);
        }
        seen.add(a[1]);
        checkText(a[2] ?? a[3], lt);
      }
      counts.set(name, (counts.get(name) ?? 0) + 1);
      if (!selfClose) stack.push(name);
    }
    i = lt + whole.length;
  }
  if (stack.length) throw new Error(`<${stack.at(-1)}> is never closed`);
  if (roots !== 1) throw new Error("no root element");
  return counts;
}
