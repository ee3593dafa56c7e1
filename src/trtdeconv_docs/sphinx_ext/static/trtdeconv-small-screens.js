// On a phone, a table with a header row shows each row as a card (every cell under its column's
// name, so the answer column is never off-screen), and a wide picture keeps a readable size inside
// a box that scrolls sideways. The styles are in docs/_static/trtdeconv.css (max-width: 40em).
document.addEventListener("DOMContentLoaded", () => {
  for (const table of document.querySelectorAll("article table.docutils")) {
    const header = table.querySelector("thead tr");
    if (!header || table.querySelector("[rowspan], [colspan]")) continue;
    const names = Array.from(header.children, (cell) => cell.textContent.trim());
    for (const row of table.querySelectorAll("tbody tr")) {
      Array.from(row.children).forEach((cell, index) => cell.setAttribute("data-label", names[index] || ""));
    }
    table.classList.add("trtdeconv-cards");
  }
  const markWide = (image) => {
    if (image.naturalWidth > 1.6 * image.naturalHeight) image.classList.add("trtdeconv-wide-picture");
  };
  for (const image of document.querySelectorAll("article img.sphx-glr-single-img, article img.sphx-glr-multi-img")) {
    if (image.complete) markWide(image);
    else image.addEventListener("load", () => markWide(image));
  }
});
