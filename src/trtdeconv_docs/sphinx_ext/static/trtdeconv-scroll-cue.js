// Blocks that scroll sideways (tables, matrices) get a shadow on each side that has more content,
// so a reader on a phone sees that a matrix goes on (styles in docs/_static/trtdeconv.css).
(() => {
  const SELECTOR = "div.table-wrapper, div.math-wrapper, div.math";
  const update = (box) => {
    const more = box.scrollWidth - box.clientWidth;
    box.classList.toggle("trtdeconv-more-left", more > 1 && box.scrollLeft > 1);
    box.classList.toggle("trtdeconv-more-right", more > 1 && box.scrollLeft < more - 1);
  };
  document.addEventListener("DOMContentLoaded", () => {
    const boxes = document.querySelectorAll(SELECTOR);
    const observer = new ResizeObserver((entries) => entries.forEach((entry) => update(entry.target)));
    for (const box of boxes) {
      box.addEventListener("scroll", () => update(box), { passive: true });
      observer.observe(box);
      if (box.firstElementChild) observer.observe(box.firstElementChild);  // MathJax typesets later
      update(box);
    }
  });
})();
