// The feeds page (/lich-cua-toi), progressively: copy buttons, only the fields of the chosen
// kind of feed, a confirmation before revoking. Without JavaScript the page works as is.
(function () {
  'use strict';

  function copyText(input) {
    // navigator.clipboard needs a secure context; the office intranet may serve plain http.
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(input.value);
    }
    input.focus();
    input.select();
    return document.execCommand('copy') ? Promise.resolve() : Promise.reject(new Error('copy'));
  }

  document.querySelectorAll('button.copy[data-copy]').forEach(function (button) {
    var input = document.getElementById(button.getAttribute('data-copy'));
    if (!input) return;
    button.hidden = false;
    button.addEventListener('click', function () {
      var status = button.closest('.feed-urls').querySelector('.copy-status');
      copyText(input).then(function () {
        status.textContent = status.getAttribute('data-copied');
        button.classList.add('copied');
      }, function () {
        input.select();
        status.textContent = status.getAttribute('data-failed');
      });
    });
  });

  // Show only the object the chosen kind needs.
  var scope = document.getElementById('f-scope');
  if (scope) {
    var needs = { person: 'f-person_id', room: 'f-room_id', agency: 'f-agency_id' };
    var tentative = { person: true, room: true };
    var update = function () {
      Object.keys(needs).forEach(function (kind) {
        var field = document.getElementById(needs[kind]);
        if (field) field.closest('.field').hidden = scope.value !== kind;
      });
      var t = document.getElementById('f-include_tentative');
      if (t) t.closest('.field').hidden = !tentative[scope.value];
    };
    scope.addEventListener('change', update);
    update();
  }

  document.querySelectorAll('form[data-confirm]').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      if (!window.confirm(form.getAttribute('data-confirm'))) event.preventDefault();
    });
  });
})();
