// Safe Digital: small enhancements. Every page works without this file.
(function () {
  "use strict";

  // Quick exit: leave for a neutral site and replace this page in the history.
  function quickExit(event) {
    var link = document.querySelector("[data-quick-exit]");
    if (!link) return;
    if (event) event.preventDefault();
    document.body.hidden = true;
    window.location.replace(link.href);
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-quick-exit]");
    if (link) quickExit(event);
  });
  // Escape twice in a row, within 800 ms, outside a form field. Also when the first closes the photo viewer: a
  // visitor who must leave at once presses it twice wherever they are. Only twice in a row: another key or a
  // click between two presses (Escape, Enter on a photo, Escape) starts the count again.
  var lastEscape = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      lastEscape = 0;
      return;
    }
    var target = event.target;
    var tag = target && target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) return;
    var now = Date.now();
    if (now - lastEscape < 800) quickExit(null);
    lastEscape = now;
  });
  document.addEventListener("pointerdown", function () { lastEscape = 0; });

  // Videos: nothing is loaded from the provider until the visitor clicks play.
  document.addEventListener("click", function (event) {
    var play = event.target.closest && event.target.closest("[data-play]");
    if (!play) return;
    var player = play.closest("[data-embed-url]");
    if (!player) return;
    event.preventDefault();
    var frame = document.createElement("iframe");
    frame.src = player.getAttribute("data-embed-url");
    frame.title = player.getAttribute("data-title") || "Video";
    // The title is the editors' words: in their language, as in the play link.
    var titled = play.querySelector(".visually-hidden [lang]");
    if (titled) frame.lang = titled.lang;
    frame.className = "video-frame";
    frame.setAttribute("allow", "autoplay; encrypted-media; picture-in-picture; fullscreen");
    frame.setAttribute("allowfullscreen", "");
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    player.replaceChildren(frame);
    frame.focus();
  });

  // Photo viewer: a modal dialog over the gallery; Escape closes it, arrow keys move between photos.
  var viewer = document.querySelector("dialog.photo-viewer");
  if (viewer && typeof viewer.showModal === "function") {
    var links = Array.prototype.slice.call(document.querySelectorAll("a[data-viewer]"));
    var image = viewer.querySelector("img");
    var caption = viewer.querySelector("figcaption");
    var count = viewer.querySelector("[data-viewer-count]");
    var description = viewer.querySelector("[data-viewer-description]");
    var current = 0;
    var opener = null;
    var show = function (index) {
      current = (index + links.length) % links.length;
      var link = links[current];
      image.src = link.href;
      image.alt = link.getAttribute("data-alt") || "";
      caption.textContent = link.getAttribute("data-caption") || "";
      count.textContent = count.getAttribute("data-format")
        .replace("{number}", current + 1)
        .replace("{total}", links.length);
      description.textContent = image.alt;
      // The photo's alt text and caption are the editors' words: in their language, as on the link.
      [image.parentNode, description].forEach(function (element) {
        if (link.lang) {
          element.lang = link.lang;
        } else {
          element.removeAttribute("lang");
        }
      });
    };
    links.forEach(function (link, index) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        opener = link;
        show(index);
        viewer.showModal();
        viewer.querySelector("[data-viewer-close]").focus();
      });
    });
    viewer.querySelector("[data-viewer-close]").addEventListener("click", function () { viewer.close(); });
    viewer.querySelector("[data-viewer-next]").addEventListener("click", function () { show(current + 1); });
    viewer.querySelector("[data-viewer-prev]").addEventListener("click", function () { show(current - 1); });
    viewer.addEventListener("keydown", function (event) {
      if (event.key === "ArrowRight") show(current + 1);
      if (event.key === "ArrowLeft") show(current - 1);
    });
    viewer.addEventListener("close", function () { if (opener) opener.focus(); });
  }

  // Headline figures count up once when they come into view (the real numbers are in the HTML already).
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  if (!reduceMotion && "IntersectionObserver" in window) {
    var format = new Intl.NumberFormat(document.documentElement.lang || "en");
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        // Figures already on screen when the page opens keep their number; others count up when reached.
        if (!entry.isIntersecting) {
          entry.target.setAttribute("data-armed", "");
          return;
        }
        observer.unobserve(entry.target);
        if (!entry.target.hasAttribute("data-armed")) return;
        var element = entry.target;
        // It ends on the number as the page wrote it: the browser's own format may differ from the server's
        // (15.712.224 against 15 712 224 in Spanish), which every other figure on the page is in.
        var written = element.textContent;
        var target = parseInt(element.getAttribute("data-count"), 10);
        var suffix = element.getAttribute("data-suffix") || "";
        var started = null;
        var step = function (time) {
          if (started === null) started = time;
          var progress = Math.min((time - started) / 1200, 1);
          element.textContent = progress < 1 ? format.format(Math.round(target * progress)) + suffix : written;
          if (progress < 1) window.requestAnimationFrame(step);
        };
        window.requestAnimationFrame(step);
      });
    });
    document.querySelectorAll("[data-count]").forEach(function (element) { observer.observe(element); });
  }
})();
