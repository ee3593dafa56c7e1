// Click a picture of the gallery to open it at full resolution (the largest of its srcset) in a new tab.
document.addEventListener("DOMContentLoaded", () => {
  for (const image of document.querySelectorAll("img.sphx-glr-single-img, img.sphx-glr-multi-img")) {
    if (image.closest("a")) continue;
    const candidates = (image.getAttribute("srcset") || "").split(",").map((entry) => entry.trim().split(/\s+/));
    const largest = candidates.filter((entry) => entry[0]).sort((a, b) => parseFloat(b[1] || "1") - parseFloat(a[1] || "1"))[0];
    const link = document.createElement("a");
    link.href = largest ? new URL(largest[0], document.baseURI).href : image.src;
    link.target = "_blank";
    link.title = document.documentElement.lang.startsWith("zh") ? "点击查看大图" : "Open the full-size picture";
    image.replaceWith(link);
    link.append(image);
  }
});
