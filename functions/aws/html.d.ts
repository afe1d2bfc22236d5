/** The demo pages, inlined into the bundle as text at bundling time (esbuild's `text` loader). */
declare module '*.html' {
  const html: string;
  export default html;
}
