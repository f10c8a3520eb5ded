/**
 * dom-serializer's `render` as html-to-text uses it: only its `inlineHtml`/`blockHtml` formatters
 * call it, and neither mailparser nor Kontakt selects them. The deployed bundles alias
 * `dom-serializer` to this module (infra/bundling.ts), which spares the entity tables it brings
 * (120 KB); it still serialises a node tree to HTML with text and attributes escaped.
 */
type Node = {
  type: string;
  data?: string;
  name?: string;
  attribs?: Record<string, string>;
  children?: Node[];
};

const voidElements = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr',
]);

const escapeText = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttribute = (text: string): string => escapeText(text).replace(/"/g, '&quot;');

const renderNode = (node: Node): string => {
  switch (node.type) {
    case 'text':
      return escapeText(node.data ?? '');
    case 'comment':
      return `<!--${node.data ?? ''}-->`;
    case 'cdata':
      return (node.children ?? []).map(renderNode).join('');
    case 'directive':
      return `<${node.data ?? ''}>`;
    case 'root':
      return (node.children ?? []).map(renderNode).join('');
    default: {
      const name = node.name ?? 'span';
      const attributes = Object.entries(node.attribs ?? {})
        .map(([key, value]) => ` ${key}="${escapeAttribute(value)}"`)
        .join('');
      if (voidElements.has(name)) return `<${name}${attributes}>`;
      return `<${name}${attributes}>${(node.children ?? []).map(renderNode).join('')}</${name}>`;
    }
  }
};

export const render = (nodes: Node | ArrayLike<Node>): string =>
  'length' in nodes ? Array.from(nodes).map(renderNode).join('') : renderNode(nodes);

export default render;
