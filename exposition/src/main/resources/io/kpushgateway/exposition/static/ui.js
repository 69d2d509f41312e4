// The web UI's behaviour: the two tabs, and deleting groups through the push API (DELETE) and
// the admin API (wipe). No libraries; every URL is relative to the page, so a route prefix works.
'use strict';
(() => {
  const $ = (selector) => document.querySelector(selector);
  const groups = () => document.querySelectorAll('details.group');

  // The tab follows the URL fragment, so #status can be linked and survives a reload.
  function showTab() {
    const status = location.hash === '#status';
    $('#metrics').hidden = status;
    $('#status').hidden = !status;
    $('#metrics-tab').classList.toggle('active', !status);
    $('#status-tab').classList.toggle('active', status);
  }

  function showError(message) {
    const error = $('#error');
    error.textContent = message; // text, never markup: messages quote label values
    error.hidden = false;
  }

  function updateCount() {
    const n = groups().length;
    const counter = $('#del-all-counter');
    if (counter) {
      counter.textContent = String(n);
      $('#del-all').disabled = n === 0;
    }
    $('#no-groups').hidden = n !== 0;
  }

  // Resolves to true when the gateway answered with the expected status.
  async function send(method, url, expected, what) {
    try {
      const response = await fetch(url, { method });
      if (response.status === expected) {
        return true;
      }
      showError(`${what} failed: ${response.status} ${(await response.text()).trim()}`);
    } catch (e) {
      showError(`${what} failed: ${e.message}`);
    }
    return false;
  }

  let confirmed = null;
  function confirmThen(message, action) {
    const dialog = $('#confirm');
    $('#confirm-msg').textContent = message;
    confirmed = action;
    dialog.returnValue = '';
    dialog.showModal();
  }

  $('#confirm').addEventListener('close', () => {
    const action = confirmed;
    confirmed = null;
    if ($('#confirm').returnValue === 'ok' && action) {
      action();
    }
  });

  document.addEventListener('click', (event) => {
    const deleteGroup = event.target.closest('button.delete-group');
    if (deleteGroup) {
      event.preventDefault(); // the button sits in the panel's <summary>: do not fold it
      const group = deleteGroup.closest('details.group');
      const labels = group.dataset.labels;
      confirmThen(`Do you really want to delete all metrics of group ${labels}?`, async () => {
        if (await send('DELETE', 'metrics/' + group.dataset.path, 202, `Deleting group ${labels}`)) {
          group.remove();
          updateCount();
        }
      });
    } else if (event.target.closest('#del-all')) {
      confirmThen('Do you really want to delete all metrics from all groups?', async () => {
        if (await send('PUT', 'api/v1/admin/wipe', 202, 'Deleting all groups')) {
          groups().forEach((group) => group.remove());
          updateCount();
        }
      });
    }
  });

  window.addEventListener('hashchange', showTab);
  showTab();
})();
