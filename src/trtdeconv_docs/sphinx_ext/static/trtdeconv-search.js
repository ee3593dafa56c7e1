// The site's additions to Sphinx's search page (searchtools.js), for a reader who pastes a TensorRT message:
// - the query is normalised first: node and tensor names that the reader's model made up
//   ("ConvTranspose_123", "/decoder/up1/ConvTranspose", "{ForeignNode[...]}"), log prefixes
//   ("[TRT]", "[E]", "[optimizer.cpp::computeCosts::3869]", "Error Code 10:") and timestamps are dropped,
//   since Sphinx lists only pages that hold every word of the query;
// - the excerpts no longer start with the language switch's "中文English" (nor the page's other site notes);
// (a result from the gallery says so by its title: sphinx_ext/gallery.py puts "示例：" / "Example: " before it).
// tests/test_reader.py runs the real search page in headless Chromium.
window.trtdeconvNormaliseQuery = (query) => query
  .replace(/\[[^\]]*\]/g, " ")                        // [TRT] [E] [12/07/2026-18:00:00] [optimizer.cpp::...]
  .replace(/\{[^}]*\}/g, " ")                         // {ForeignNode[...]}
  .replace(/\bError Code \d+\s*:?/gi, " ")
  .replace(/(^|\s)\d+:(?=\s)/g, " ")                  // TensorRT's numbered error prefix "10:"
  .split(/\s+/)
  .filter((token) => !/(_\d|\/|::|\.(cpp|cu|h|py)\b|^['"(]*[A-Za-z]*\d+[A-Za-z0-9]*_)/.test(token))  // made-up names
  .map((token) => token.replace(/^[("'`]+|[)"'`.,;:]+$/g, ""))
  .filter((token) => token !== "")
  .join(" ");

document.addEventListener("DOMContentLoaded", () => {
  if (typeof Search === "undefined") return;  // not the search page
  const search = Search.performSearch;
  Search.performSearch = (query) => {
    const normalised = window.trtdeconvNormaliseQuery(query);
    return search(normalised || query);
  };
  if (typeof Search.htmlToText === "function") {
    const htmlToText = Search.htmlToText;
    Search.htmlToText = (html, ...rest) =>
      htmlToText(html.replace(/<(nav|p) class="trtdeconv-(language-switch|recorded-with|source-links)"[\s\S]*?<\/\1>/g, ""),
        ...rest);
  }
});
