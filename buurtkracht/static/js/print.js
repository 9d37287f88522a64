// The login card's print button. A file, not an onclick attribute: the Content Security
// Policy allows no inline scripts.
(function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
