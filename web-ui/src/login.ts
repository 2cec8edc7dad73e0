import { ApiError, login } from './api.js';
import { el } from './dom.js';

/** The login form; resolves once the server accepted the credentials. */
export function showLogin(root: HTMLElement): Promise<void> {
  return new Promise((resolve) => {
    const username = el('input', { attrs: { name: 'username', autocomplete: 'username', required: '', 'aria-label': 'Username' } });
    const password = el('input', { attrs: { name: 'password', type: 'password', autocomplete: 'current-password', required: '', 'aria-label': 'Password' } });
    const message = el('p', { class: 'login-error', attrs: { role: 'alert' } });
    const form = el('form', { class: 'login', attrs: { 'aria-label': 'Log in' } }, [
      el('h1', { text: 'Saker' }),
      el('label', {}, ['Username', username]),
      el('label', {}, ['Password', password]),
      el('button', { text: 'Log in', attrs: { type: 'submit' } }),
      message,
    ]);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      message.textContent = '';
      login(username.value, password.value).then(
        (ok) => {
          if (ok) resolve();
          else {
            message.textContent = 'Wrong username or password.';
            password.select();
          }
        },
        (error: unknown) => {
          message.textContent = error instanceof ApiError ? error.message : 'The server cannot be reached.';
        },
      );
    });
    root.replaceChildren(form);
    username.focus();
  });
}
