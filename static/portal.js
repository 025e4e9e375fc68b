// The portal's own small script: nothing here is needed to use the portal, it only makes htmx kinder.
(function () {
  "use strict";

  // Drafts: what someone types in a message box is kept in this browser until the post is saved, so a dropped
  // connection, a reload or a session that ran out loses nothing.
  function draftKey(box) {
    return "draft:" + (box.form ? box.form.getAttribute("action") : location.pathname) + ":" + box.name;
  }

  function restoreDrafts(root) {
    root.querySelectorAll("textarea[data-draft]").forEach(function (box) {
      var saved = localStorage.getItem(draftKey(box));
      if (saved && !box.value) {
        box.value = saved;
      }
    });
  }

  document.addEventListener("input", function (event) {
    var box = event.target;
    if (box.matches && box.matches("textarea[data-draft]")) {
      localStorage.setItem(draftKey(box), box.value);
    }
  });

  // A form that was accepted (not refused, not sent to sign in) no longer needs its drafts. This runs before
  // the swap, while the form is still in the page (events from a removed form no longer reach the document).
  document.addEventListener("htmx:beforeOnLoad", function (event) {
    var form = event.detail.elt;
    var xhr = event.detail.xhr;
    if (!form.matches || !form.matches("form") || !xhr || xhr.status < 200 || xhr.status >= 300) {
      return;
    }
    if (xhr.status === 204 || xhr.getResponseHeader("HX-Redirect") || /\/login/.test(xhr.responseURL || "")) {
      return;
    }
    form.querySelectorAll("textarea[data-draft]").forEach(function (box) {
      localStorage.removeItem(draftKey(box));
    });
  });

  // A form that failed must not fail silently (htmx leaves the page as it was): say so where status messages
  // are announced. A whole page that came back as an error (a boosted link or form) is shown like any page.
  function tellFailure(text) {
    var messages = document.getElementById("messages");
    if (messages) {
      var notice = document.createElement("p");
      notice.className = "notice notice--error";
      notice.textContent = text;
      messages.replaceChildren(notice);
    }
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.boosted && event.detail.xhr.status >= 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:responseError", function (event) {
    if (event.detail.elt.matches("form")) {
      tellFailure("That did not work, and nothing you typed is lost. Reload the page and try again.");
    }
  });

  document.addEventListener("htmx:sendError", function (event) {
    if (event.detail.elt.matches("form")) {
      tellFailure("That was not sent: the portal could not be reached. Nothing you typed is lost: check your connection and try again.");
    }
  });

  // Focus: a form that came back with errors takes focus to its error summary; after a swap that took
  // away the element that had focus, focus goes to what changed (a new page: its heading).
  function focusOn(spot) {
    if (!spot.matches("a, button, input, select, textarea, summary")) {
      spot.setAttribute("tabindex", "-1");
    }
    spot.focus();
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    if (!target.isConnected) {
      // an outerHTML swap replaced the target: look at its replacement
      target = (target.id && document.getElementById(target.id)) || document.body;
    }
    restoreDrafts(target);
    var wanted = document.querySelector("[data-focus]");
    if (wanted) {
      wanted.removeAttribute("data-focus");
      focusOn(wanted);
      return;
    }
    var errors = target.querySelector(".error-summary");
    if (errors) {
      focusOn(errors);
      return;
    }
    var active = document.activeElement;
    if (active && active !== document.body && active.isConnected) {
      return;
    }
    var whole = target === document.body;
    var spot = whole ? document.querySelector("main h1") : target.querySelector("h1, h2, summary, a, button, input, select, textarea");
    if (spot) {
      focusOn(spot);
    }
  });

  // The mention picker needs this script, so it stays hidden without it.
  function showPickers(root) {
    root.querySelectorAll(".mention-picker[hidden]").forEach(function (picker) {
      picker.hidden = false;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    restoreDrafts(document);
    showPickers(document);
    var errors = document.querySelector(".error-summary");
    if (errors) {
      errors.focus();
    }
  });

  document.addEventListener("htmx:load", function (event) {
    showPickers(event.detail.elt.parentNode || document);
  });

  // Enter in the picker's search box looks for people; it must not send the reply.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches && event.target.matches(".mention-picker input")) {
      event.preventDefault();
    }
  });
})();

// Mentions: choosing someone in the picker writes @their-name into the message where the cursor is.
document.addEventListener("click", function (event) {
  var choice = event.target.closest && event.target.closest("[data-mention]");
  if (!choice) {
    return;
  }
  var box = choice.form && choice.form.querySelector("textarea");
  if (!box) {
    return;
  }
  var at = box.selectionStart || box.value.length;
  var text = choice.getAttribute("data-mention") + " ";
  box.value = box.value.slice(0, at) + text + box.value.slice(box.selectionEnd || at);
  box.dispatchEvent(new Event("input", { bubbles: true }));
  box.focus();
  box.selectionStart = box.selectionEnd = at + text.length;
});

// The idle-session warning (WCAG 2.2.1): a few minutes before a session ends for being unused, a dialog says when
// and offers to stay signed in; when the time has passed it says so and offers to sign in again. Every answer from
// the portal says how long the session has left (X-Session-Ends-In), so what the person does elsewhere counts.
(function () {
  "use strict";
  var warnTimer = null;
  var endTimer = null;
  var endsAt = null;

  function notice() {
    return document.getElementById("session-notice");
  }

  function part(box, name) {
    return box.querySelector("[data-session='" + name + "']");
  }

  // The dialog is named and described by the part it shows.
  function show(box, name) {
    var other = name === "warning" ? "ended" : "warning";
    var prefix = name === "warning" ? "session-notice" : "session-ended";
    part(box, name).hidden = false;
    part(box, other).hidden = true;
    box.setAttribute("aria-labelledby", prefix + "-title");
    box.setAttribute("aria-describedby", prefix + "-text");
    if (!box.open) {
      box.showModal();
    }
  }

  function warn() {
    var box = notice();
    if (!box || box.open) {
      return;
    }
    part(box, "time").textContent = endsAt.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
    show(box, "warning");
    part(box, "warning").querySelector("button").focus();
  }

  function ended() {
    var box = notice();
    if (!box) {
      return;
    }
    var link = part(box, "ended").querySelector("a");
    link.href = link.pathname + "?next=" + encodeURIComponent(location.pathname + location.search);
    show(box, "ended");
    link.focus();
  }

  function schedule(seconds) {
    var box = notice();
    if (!box || isNaN(seconds)) {
      return;
    }
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    var lead = Number(box.getAttribute("data-warn-seconds")) || 0;
    endsAt = new Date(Date.now() + seconds * 1000);
    if (seconds > lead) {
      if (box.open && part(box, "ended").hidden) {
        box.close();
      }
      warnTimer = setTimeout(warn, (seconds - lead) * 1000);
    } else {
      warn();
    }
    endTimer = setTimeout(ended, seconds * 1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = notice();
    if (box) {
      schedule(parseInt(box.getAttribute("data-ends-in"), 10));
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var left = event.detail.xhr && event.detail.xhr.getResponseHeader("X-Session-Ends-In");
    if (left) {
      schedule(parseInt(left, 10));
    }
  });

  // Escape closes the warning; like the button, it means the person is here.
  document.addEventListener("cancel", function (event) {
    var box = notice();
    if (event.target === box && part(box, "ended").hidden) {
      event.preventDefault();
      part(box, "warning").querySelector("button").click();
    }
  }, true);
})();
