/**
 * A small XML reader and writer for the documents Control Room exchanges (DAWproject): elements,
 * attributes, text, comments, CDATA and the five predefined plus numeric entities. No DTDs or namespaces.
 */

/** One element: name, attributes, child elements and its direct text. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** Escapes text for an attribute value or element content. */
export function xmlEscape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function decodeEntities(s: string, where: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);/g, (_, e: string) => {
    if (e === "lt") return "<";
    if (e === "gt") return ">";
    if (e === "amp") return "&";
    if (e === "quot") return '"';
    if (e === "apos") return "'";
    const code = e.startsWith("#x") ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1));
    if (!Number.isFinite(code) || code > 0x10ffff)
      throw new Error(`${where}: bad character reference &${e};`);
    return String.fromCodePoint(code);
  });
}

/**
 * Parses a document and returns its root element.
 * @throws Error naming the line of the first problem.
 */
export function parseXml(text: string): XmlElement {
  let i = 0;
  const lineAt = (p: number) => text.slice(0, p).split("\n").length;
  const fail = (msg: string): never => {
    throw new Error(`XML line ${lineAt(i)}: ${msg}`);
  };
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  while (i < text.length) {
    const lt = text.indexOf("<", i);
    const chunk = lt < 0 ? text.slice(i) : text.slice(i, lt);
    if (stack.length) stack[stack.length - 1].text += decodeEntities(chunk, `XML line ${lineAt(i)}`);
    else if (chunk.trim()) fail("text outside the root element");
    if (lt < 0) break;
    i = lt;
    if (text.startsWith("<?", i)) {
      const end = text.indexOf("?>", i);
      if (end < 0) fail("unterminated <?");
      i = end + 2;
    } else if (text.startsWith("<!--", i)) {
      const end = text.indexOf("-->", i);
      if (end < 0) fail("unterminated comment");
      i = end + 3;
    } else if (text.startsWith("<![CDATA[", i)) {
      const end = text.indexOf("]]>", i);
      if (end < 0) fail("unterminated CDATA");
      if (stack.length) stack[stack.length - 1].text += text.slice(i + 9, end);
      i = end + 3;
    } else if (text.startsWith("<!", i)) {
      const end = text.indexOf(">", i);
      if (end < 0) fail("unterminated declaration");
      i = end + 1;
    } else if (text.startsWith("</", i)) {
      const end = text.indexOf(">", i);
      if (end < 0) fail("unterminated end tag");
      const name = text.slice(i + 2, end).trim();
      const open = stack.pop();
      if (!open || open.name !== name) fail(`</${name}> does not close <${open?.name ?? "nothing"}>`);
      i = end + 1;
    } else {
      const m = /^<([A-Za-z_][\w.:-]*)/.exec(text.slice(i, i + 256));
      if (!m) fail("bad tag");
      const el: XmlElement = { name: m![1], attrs: {}, children: [], text: "" };
      i += m![0].length;
      const attrRe = /\s*([A-Za-z_][\w.:-]*)\s*=\s*("([^"]*)"|'([^']*)')|\s*(\/?>)/y;
      for (;;) {
        attrRe.lastIndex = i;
        const a = attrRe.exec(text);
        if (!a) fail(`bad attribute in <${el.name}>`);
        i = attrRe.lastIndex;
        if (a![5]) {
          if (stack.length) stack[stack.length - 1].children.push(el);
          else if (root) fail("a second root element");
          else root = el;
          if (a![5] === ">") stack.push(el);
          break;
        }
        el.attrs[a![1]] = decodeEntities(a![3] ?? a![4] ?? "", `XML line ${lineAt(i)}`);
      }
    }
  }
  if (stack.length) fail(`<${stack[stack.length - 1].name}> is not closed`);
  if (!root) fail("no root element");
  return root!;
}

/** The first child named `name`, or undefined. */
export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

/** All children named `name`. */
export function childrenNamed(el: XmlElement | undefined, name: string): XmlElement[] {
  return el ? el.children.filter((c) => c.name === name) : [];
}

/** Builds XML text with indentation. Attributes with undefined values are left out. */
export class XmlWriter {
  private readonly lines: string[] = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'];
  private depth = 0;

  private tag(name: string, attrs: Record<string, string | number | boolean | undefined>): string {
    let s = `<${name}`;
    for (const [k, v] of Object.entries(attrs)) if (v !== undefined) s += ` ${k}="${xmlEscape(String(v))}"`;
    return s;
  }

  /** `<name attrs/>` */
  empty(name: string, attrs: Record<string, string | number | boolean | undefined> = {}): this {
    this.lines.push(`${"  ".repeat(this.depth)}${this.tag(name, attrs)}/>`);
    return this;
  }

  /** `<name>text</name>` */
  textElement(name: string, text: string): this {
    this.lines.push(`${"  ".repeat(this.depth)}<${name}>${xmlEscape(text)}</${name}>`);
    return this;
  }

  /** Opens `<name attrs>`, runs `body`, closes it. */
  element(
    name: string,
    attrs: Record<string, string | number | boolean | undefined>,
    body: () => void,
  ): this {
    this.lines.push(`${"  ".repeat(this.depth)}${this.tag(name, attrs)}>`);
    this.depth++;
    body();
    this.depth--;
    this.lines.push(`${"  ".repeat(this.depth)}</${name}>`);
    return this;
  }

  toString(): string {
    return `${this.lines.join("\n")}\n`;
  }
}
