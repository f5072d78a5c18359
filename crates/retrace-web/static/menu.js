// On a phone the header folds behind a menu button so that a page starts
// with its content; the brand and the notification bell stay in view.
// Without this script the whole header shows, as on a wide screen.
(() => {
  const button = document.querySelector('.menu-toggle');
  const menu = document.getElementById('site-menu');
  if (!button || !menu) return;
  const narrow = window.matchMedia('(max-width: 40rem)');
  const apply = () => {
    button.hidden = !narrow.matches;
    const open = !narrow.matches || button.getAttribute('aria-expanded') === 'true';
    menu.hidden = !open;
  };
  button.addEventListener('click', () => {
    const open = button.getAttribute('aria-expanded') !== 'true';
    button.setAttribute('aria-expanded', String(open));
    apply();
  });
  narrow.addEventListener('change', apply);
  apply();
})();
