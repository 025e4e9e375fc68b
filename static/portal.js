// The portal's own small script: nothing here is needed to use the portal, it only makes htmx kinder.
(function () {
  "use strict";

  // Drafts: what someone types in a message box is kept in this browser until the post is saved, so a dropped
  // connection, a reload or a session that ran out loses nothing. A draft belongs to the person who typed it:
  // each signed-in page carries that person's key (data-draft-key), drafts are encrypted with a key made from
  // it and kept under a hash of it, and they are dropped when another person's page opens, on signing out and
  // after a week. Without WebCrypto (a page not served over HTTPS) no draft is kept at all.
  var DRAFTS = "portal:drafts";
  var WEEK = 7 * 24 * 60 * 60 * 1000;
  var subtle = window.isSecureContext && window.crypto && window.crypto.subtle;
  var encoder = new TextEncoder();
  var personal = { secret: null, keys: null };
  // One draft operation at a time, in the order they were asked for: a save never lands after the forgetting.
  var queue = Promise.resolve();

  // Drafts kept in plain text, by page address alone, by earlier versions of this script.
  Object.keys(localStorage).forEach(function (name) {
    if (name.indexOf("draft:") === 0) {
      localStorage.removeItem(name);
    }
  });
  if (!subtle) {
    localStorage.removeItem(DRAFTS);
  }

  function inTurn(job) {
    queue = queue.then(job).catch(function () {
      // a draft that cannot be kept or read is not worth breaking the page for
    });
    return queue;
  }

  function hex(buffer) {
    return Array.from(new Uint8Array(buffer), function (byte) {
      return byte.toString(16).padStart(2, "0");
    }).join("");
  }

  function toBase64(buffer) {
    var bytes = new Uint8Array(buffer);
    var text = "";
    for (var at = 0; at < bytes.length; at++) {
      text += String.fromCharCode(bytes[at]);
    }
    return btoa(text);
  }

  function fromBase64(text) {
    return Uint8Array.from(atob(text), function (letter) {
      return letter.charCodeAt(0);
    });
  }

  // The keys of the person whose page this is, or null on a page that belongs to nobody (signed out).
  function personalKeys() {
    var holder = document.querySelector("[data-draft-key]");
    var secret = subtle && holder && holder.getAttribute("data-draft-key");
    if (!secret) {
      return Promise.resolve(null);
    }
    if (personal.secret !== secret) {
      var derive = function (base, purpose, algorithm, uses) {
        var params = { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: encoder.encode(purpose) };
        return subtle.deriveKey(params, base, algorithm, false, uses);
      };
      var keys = subtle.importKey("raw", encoder.encode(secret), "HKDF", false, ["deriveKey"]).then(function (base) {
        return Promise.all([
          subtle.digest("SHA-256", encoder.encode("drafts owner:" + secret)),
          derive(base, "drafts text", { name: "AES-GCM", length: 256 }, ["encrypt", "decrypt"]),
          derive(base, "drafts names", { name: "HMAC", hash: "SHA-256" }, ["sign"]),
        ]);
      });
      personal = {
        secret: secret,
        keys: keys.then(function (made) {
          return { owner: hex(made[0]), text: made[1], names: made[2] };
        }),
      };
    }
    return personal.keys;
  }

  // This person's drafts as stored, without anyone else's and without those older than a week.
  function storedDrafts(keys) {
    var stored = null;
    try {
      stored = JSON.parse(localStorage.getItem(DRAFTS));
    } catch (unreadable) {
      stored = null;
    }
    var drafts = {};
    if (stored && stored.owner === keys.owner && stored.drafts) {
      var oldest = Date.now() - WEEK;
      Object.keys(stored.drafts).forEach(function (slot) {
        if (stored.drafts[slot].saved > oldest) {
          drafts[slot] = stored.drafts[slot];
        }
      });
    }
    return { owner: keys.owner, drafts: drafts };
  }

  function store(kept) {
    if (Object.keys(kept.drafts).length) {
      localStorage.setItem(DRAFTS, JSON.stringify(kept));
    } else {
      localStorage.removeItem(DRAFTS);
    }
  }

  // Which box a draft is for, named so that the stored entry does not say which thread it is about.
  function boxName(box) {
    return (box.form ? box.form.getAttribute("action") : location.pathname) + ":" + box.name;
  }

  function slotFor(keys, name) {
    return subtle.sign("HMAC", keys.names, encoder.encode(name)).then(hex);
  }

  // Keep (or, with no text, forget) a draft for the person whose page it was typed on.
  function keepDraft(person, name, text) {
    return person.then(function (keys) {
      if (!keys) {
        return null;
      }
      return slotFor(keys, name).then(function (slot) {
        if (!text) {
          var kept = storedDrafts(keys);
          delete kept.drafts[slot];
          return store(kept);
        }
        var iv = crypto.getRandomValues(new Uint8Array(12));
        var params = { name: "AES-GCM", iv: iv, additionalData: encoder.encode(slot) };
        return subtle.encrypt(params, keys.text, encoder.encode(text)).then(function (sealed) {
          var kept = storedDrafts(keys);
          kept.drafts[slot] = { saved: Date.now(), iv: toBase64(iv), text: toBase64(sealed) };
          store(kept);
        });
      });
    });
  }

  function restoreDrafts(root) {
    var person = personalKeys();
    var boxes = Array.from(root.querySelectorAll("textarea[data-draft]"));
    inTurn(function () {
      return person.then(function (keys) {
        if (!keys) {
          return null;
        }
        var kept = storedDrafts(keys);
        store(kept); // what was someone else's, or too old, goes now
        return Promise.all(
          boxes.map(function (box) {
            return slotFor(keys, boxName(box)).then(function (slot) {
              var draft = kept.drafts[slot];
              if (!draft || box.value) {
                return null;
              }
              var params = { name: "AES-GCM", iv: fromBase64(draft.iv), additionalData: encoder.encode(slot) };
              return subtle.decrypt(params, keys.text, fromBase64(draft.text)).then(function (opened) {
                if (!box.value) {
                  box.value = new TextDecoder().decode(opened);
                }
              });
            });
          })
        );
      });
    });
  }

  document.addEventListener("input", function (event) {
    var box = event.target;
    if (box.matches && box.matches("textarea[data-draft]")) {
      var person = personalKeys();
      var name = boxName(box);
      var text = box.value;
      inTurn(function () {
        return keepDraft(person, name, text);
      });
    }
  });

  // Signing out takes this person's drafts with them: before the form is sent, and again after any save that
  // was still under way.
  document.addEventListener("submit", function (event) {
    if (event.target.matches("form[data-forget-drafts]")) {
      localStorage.removeItem(DRAFTS);
      inTurn(function () {
        localStorage.removeItem(DRAFTS);
      });
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
    var person = personalKeys();
    form.querySelectorAll("textarea[data-draft]").forEach(function (box) {
      var name = boxName(box);
      inTurn(function () {
        return keepDraft(person, name, "");
      });
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
    var wanted = document.querySelector("[data-focus]");
    if (wanted) {
      wanted.removeAttribute("data-focus");
    }
    wanted = wanted || document.querySelector(".error-summary");
    if (wanted) {
      wanted.focus();
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

// The steward's menu in the header opens over the page: Escape, or a click elsewhere, closes it again, and
// Escape returns focus to its "Steward" button. Without this script it closes by its button or a new page.
(function () {
  "use strict";

  function openMenus() {
    return document.querySelectorAll(".site-nav__group details[open]");
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    openMenus().forEach(function (menu) {
      menu.open = false;
      if (menu.contains(document.activeElement)) {
        menu.querySelector("summary").focus();
      }
    });
  });

  document.addEventListener("click", function (event) {
    openMenus().forEach(function (menu) {
      if (!menu.contains(event.target)) {
        menu.open = false;
      }
    });
  });
})();
