// The web UI's behaviour: the two tabs, and deleting groups through the push API (DELETE) and
// the admin API (wipe, and delete by selector). No libraries; every URL is relative to the page,
// so a route prefix works.
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

  // Resolves to the response when the gateway answered with the expected status, else null.
  async function request(method, url, expected, what) {
    try {
      const response = await fetch(url, { method });
      if (response.status === expected) {
        return response;
      }
      showError(`${what} failed: ${response.status} ${(await response.text()).trim()}`);
    } catch (e) {
      showError(`${what} failed: ${e.message}`);
    }
    return null;
  }

  async function send(method, url, expected, what) {
    return (await request(method, url, expected, what)) !== null;
  }

  // A group's labels in one comparable form, whatever order an object lists them in.
  const groupingKey = (labels) =>
    JSON.stringify(Object.keys(labels).sort().map((name) => [name, labels[name]]));

  // The groups the admin API listed (its answer's data.deleted), by grouping key.
  const listed = (answer) => new Set(answer.data.deleted.map((group) => groupingKey(group.labels)));

  // Selection by a selector over grouping labels: the server says which groups it selects.
  let selector = null;
  function groupsUrl(dryRun) {
    return `api/v1/admin/groups?dry_run=${dryRun}&match[]=${encodeURIComponent(selector)}`;
  }

  function showSelection(keys) {
    let n = 0;
    groups().forEach((group) => {
      const selected = keys === null || keys.has(groupingKey(JSON.parse(group.dataset.grouping)));
      group.hidden = !selected;
      n += selected ? 1 : 0;
    });
    $('#select-clear').hidden = keys === null;
    $('#del-selected').hidden = keys === null;
    $('#del-selected').disabled = n === 0;
    $('#del-selected-counter').textContent = String(n);
  }

  const selectForm = $('#select-form');
  if (selectForm) {
    selectForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      selector = $('#select-match').value.trim();
      $('#error').hidden = true;
      const answer = await request('DELETE', groupsUrl(true), 200, `Selecting ${selector}`);
      if (answer) {
        showSelection(listed(await answer.json()));
      }
    });
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
    } else if (event.target.closest('#select-clear')) {
      selector = null;
      showSelection(null);
    } else if (event.target.closest('#del-selected')) {
      const n = $('#del-selected-counter').textContent;
      confirmThen(`Do you really want to delete the ${n} groups selected by ${selector}?`, async () => {
        const answer = await request('DELETE', groupsUrl(false), 200, `Deleting ${selector}`);
        if (answer) {
          const deleted = listed(await answer.json());
          groups().forEach((group) => {
            if (deleted.has(groupingKey(JSON.parse(group.dataset.grouping)))) {
              group.remove();
            }
          });
          selector = null;
          showSelection(null);
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
