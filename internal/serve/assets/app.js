// Warden's review UI: the only script (no inline scripts are allowed by
// the page's Content-Security-Policy). It keeps the reason field of a
// decision form required, and scrolls a source page to its #L anchor.
document.addEventListener("DOMContentLoaded", function () {
  if (location.hash && location.hash.startsWith("#L")) {
    var el = document.getElementById(location.hash.slice(1));
    if (el) { el.classList.add("target"); el.scrollIntoView({block: "center"}); }
  }
});
