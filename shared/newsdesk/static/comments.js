/* Newsdesk comment form: fetch a fresh, single-use form token when the reader starts on the form (its
   first focus), so the minimum fill time counts from then. The token baked into the static page is as old
   as the page and anyone may copy it: a comment sent with it is accepted but always held for a moderator.
   Hide the form once comments have closed. The form works without this script. */
(function () {
  "use strict";
  var form = document.querySelector("form.comment-form[data-token-url]");
  if (!form) {
    return;
  }
  var closes = Date.parse(form.getAttribute("data-closes-at") || "");
  if (!isNaN(closes) && closes <= Date.now()) {
    var closed = document.createElement("p");
    closed.className = "meta";
    closed.textContent = "Comments are closed.";
    form.replaceWith(closed);
    return;
  }
  if (!window.fetch) {
    return;
  }
  function fetchToken() {
    form.removeEventListener("focusin", fetchToken);
    fetch(form.getAttribute("data-token-url"), { credentials: "omit", cache: "no-store" })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (data && typeof data.token === "string") {
          form.elements.namedItem("token").value = data.token;
          form.setAttribute("data-token", "fresh");
        }
      })
      .catch(function () {
        /* keep the page's token */
      });
  }
  form.addEventListener("focusin", fetchToken);
})();
