// The language switch keeps the reader's place: the same anchor (#...) and the same search query (?q=...).
// Without JavaScript the links still open the same page in the other language (language_switch.py).
document.addEventListener("DOMContentLoaded", () => {
  for (const link of document.querySelectorAll("nav.trtdeconv-language-switch a[hreflang]")) {
    link.addEventListener("click", () => {
      const target = new URL(link.href);
      target.search = window.location.search;
      target.hash = window.location.hash;
      link.href = target.href;
    });
  }
});
