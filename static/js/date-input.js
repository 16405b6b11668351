// Date boxes (core.japanese.forms.WarekiDatePickerInput): the text box takes 和暦 as staff type it and is
// what the form sends; the button beside it opens the browser's calendar and writes the chosen day into
// the text box as 令和8年12月1日 (ISO in a page of another language). No script, no button: the text works.
(function () {
  "use strict";
  var japanese = (document.documentElement.lang || "ja").indexOf("ja") === 0;
  var era = null;
  try {
    era = new Intl.DateTimeFormat("ja-JP-u-ca-japanese", { era: "long", year: "numeric", month: "numeric", day: "numeric" });
  } catch (e) {
    era = null;
  }

  function shown(iso) {
    var parts = iso.split("-").map(Number);
    // Before 明治 the server reads 西暦 only (core/japanese/eras.toml), and so does everybody.
    if (!japanese || !era || parts.length !== 3 || iso < "1868-10-23") return iso;
    // The parts, not format(): ICU writes 令和8/11/2 or 令和8年11月2日 depending on its version and data.
    var found = {};
    era.formatToParts(new Date(parts[0], parts[1] - 1, parts[2])).forEach(function (part) {
      found[part.type] = part.value;
    });
    if (!found.era || !found.year || !/^\d+$/.test(found.year)) return iso;
    var year = found.year === "1" ? "元" : found.year;
    return found.era + year + "年" + parts[1] + "月" + parts[2] + "日";
  }

  function bind(button) {
    var id = button.getAttribute("data-date-picker");
    var text = document.getElementById(id);
    var picker = button.parentNode.querySelector('input[type="date"][data-date-for="' + id + '"]');
    if (!text || !picker || button.getAttribute("data-bound")) return;
    button.setAttribute("data-bound", "1");
    picker.hidden = false; // rendered (but invisible, see tsunagu.css) so that the calendar has a place to open
    button.hidden = false;
    button.addEventListener("click", function () {
      if (/^\d{4}-\d{2}-\d{2}$/.test(text.value.trim())) picker.value = text.value.trim();
      if (typeof picker.showPicker === "function") {
        try {
          picker.showPicker();
          return;
        } catch (e) {
          // Not allowed here (an old browser, a frame): fall back to focusing the date control.
        }
      }
      picker.focus();
    });
    picker.addEventListener("change", function () {
      if (!picker.value) return;
      text.value = shown(picker.value);
      text.dispatchEvent(new Event("input", { bubbles: true }));
      text.dispatchEvent(new Event("change", { bubbles: true }));
      text.focus();
    });
  }

  function bindAll(root) {
    var buttons = (root || document).querySelectorAll("button[data-date-picker]");
    for (var i = 0; i < buttons.length; i++) bind(buttons[i]);
  }

  document.addEventListener("DOMContentLoaded", function () { bindAll(document); });
  // Fragments htmx swaps in (a form redisplayed with its errors) get their buttons too.
  document.addEventListener("htmx:afterSettle", function (event) { bindAll(event.target); });
})();
