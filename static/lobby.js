// The lobby screen reloads itself every data-refresh seconds, so the wall shows today's changes;
// a person reading it can pause that (WCAG 2.2.1), which <meta http-equiv="refresh"> cannot.
(() => {
  const seconds = Number(document.body.dataset.refresh) || 60;
  const button = document.getElementById('lobby-pause');
  let timer = setTimeout(() => location.reload(), seconds * 1000);
  if (!button) return;
  button.hidden = false;
  button.addEventListener('click', () => {
    const paused = button.getAttribute('aria-pressed') !== 'true';
    button.setAttribute('aria-pressed', String(paused));
    button.textContent = paused ? button.dataset.resume : button.dataset.pause;
    clearTimeout(timer);
    if (!paused) timer = setTimeout(() => location.reload(), seconds * 1000);
  });
})();
