// The whole deal workflow (domain.md §1, ①–⑧) in two browsers: a sales agent opens a client and a
// deal, files a document, writes the journal and tasks the executor; the executor quotes two
// insurers; the agent confirms one and tasks the issuing; the executor issues the policy, files its
// document and records the client's payment while the agent's open deal card announces it live; the
// agent parks the deal until the next event and records the commission received.
// Uses only the demo users of a fresh `npm start`; every record it makes carries a unique stamp.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ARTIFACTS, launchBrowser, scriptErrors, WEB_URL } from './support.mjs';

const DEMO_PASSWORD = process.env.E2E_DEMO_PASSWORD ?? 'Passw0rd!';
const AGENT = { email: 'sergey.seller@example.com', name: 'Сергей Волков' };
const EXECUTOR = { email: 'elena.executor@example.com', name: 'Елена Морозова' };
/** The shared CI box is slow: UI states get a generous time to appear. */
const WAIT = 30_000;

const stamp = Date.now().toString(36);
const clientName = `ООО «Ромашка» ${stamp}`;
const dealTitle = `КАСКО автопарка ${stamp}`;
const journalEntry = `Клиент прислал ПТС и список водителей (${stamp})`;
const calcTaskTitle = `Подготовить расчёты ${stamp}`;
const issueTaskTitle = `Оформить полис ${stamp}`;
const policyNumber = `E2E-${stamp}`.toUpperCase();
const dealFile = `pts-${stamp}.pdf`;
const policyFile = `policy-${stamp}.pdf`;
const PREMIUM = '150000.00';
const COMMISSION_RATE = '10';
const COMMISSION = '15000.00';
const quotes = [
  { company: 'Ингосстрах', program: 'КАСКО Оптимум', premium: PREMIUM, coverage: '3500000.00' },
  { company: 'СОГАЗ', program: 'КАСКО Классик', premium: '162500.00', coverage: '3500000.00' },
];
const chosen = quotes[0];

const rub = new Intl.NumberFormat('ru-RU', {
  style: 'currency',
  currency: 'RUB',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

/** A calendar date in the machine's zone, `YYYY-MM-DD`, `days` from today. */
function isoDate(days = 0, years = 0) {
  const date = new Date();
  date.setFullYear(date.getFullYear() + years, date.getMonth(), date.getDate() + days);
  const pad = (value) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

const validFrom = isoDate(1);
const validTo = isoDate(0, 1);

/** A one-page PDF, small but well formed (the upload checks the file's leading bytes). */
function minimalPdf(title) {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    null,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  const text = `BT /F1 12 Tf 20 50 Td (${title}) Tj ET`;
  objects[3] = `<< /Length ${text.length} >>\nstream\n${text}\nendstream`;
  let body = '%PDF-1.4\n';
  const offsets = [];
  objects.forEach((object, index) => {
    offsets.push(body.length);
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

let browser;
let workDir;
const pages = scriptErrors();

before(async () => {
  browser = await launchBrowser();
  workDir = await mkdtemp(join(tmpdir(), 'polis-e2e-'));
  await writeFile(join(workDir, dealFile), minimalPdf('Vehicle passport'));
  await writeFile(join(workDir, policyFile), minimalPdf('Policy'));
});

after(async () => {
  await browser?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

async function openAs(user, viewport) {
  const context = await browser.newContext({ locale: 'ru-RU', viewport });
  context.setDefaultTimeout(WAIT);
  const page = pages.watch(await context.newPage());
  return { context, page, user };
}

/** Opens `path` signed out, signs in on the login page and lands back on `path`. */
async function signIn({ page, user }, path) {
  await page.goto(`${WEB_URL}${path}`);
  await page.waitForURL(/\/login\?/);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Пароль').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Войти' }).click();
  await page.waitForURL(`${WEB_URL}${path}`);
}

async function shot(page, step, name) {
  await page.screenshot({ path: `${ARTIFACTS}workflow-${step}-${name}.png`, fullPage: true });
}

/** A field's accessible name, whether or not the field is marked required. */
function field(label) {
  return new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*\\*?$`);
}

/** Picks an option of a Mantine select by its label. */
async function choose(page, scope, label, option) {
  await scope.getByRole('textbox', { name: field(label) }).click();
  await page.getByRole('option', { name: option }).click();
}

let broken = false;

/** One step of the scenario; once a step failed the later ones are skipped, with both screens kept. */
async function step(t, name, pagesToShoot, run) {
  await t.test(name, { skip: broken ? 'an earlier step failed' : false }, async () => {
    try {
      await run();
    } catch (error) {
      broken = true;
      for (const [who, page] of Object.entries(pagesToShoot)) {
        await page.screenshot({ path: `${ARTIFACTS}workflow-failed-${who}.png`, fullPage: true }).catch(() => {});
      }
      throw error;
    }
  });
}

/** A document folder: files a PDF of a type and waits until the list offers it under that type. */
async function uploadInto(page, path, name, type) {
  const folder = page.getByRole('region', { name: 'Документы', exact: true });
  await folder.getByText(/^Папка: /).waitFor();
  await choose(page, folder, 'Тип документа', type);
  await folder.locator('input[type="file"]').setInputFiles(path);
  await folder.getByRole('link', { name: `Скачать ${name}` }).waitFor();
  // The list groups files by type: the file's group is titled with the type chosen.
  const group = folder
    .getByRole('listitem')
    .filter({ has: page.getByRole('link', { name: `Скачать ${name}` }) })
    .locator('xpath=ancestor::ul[1]/..');
  await group.getByText(type, { exact: true }).waitFor();
}

/** The cell of one insurer's column in a row of the comparison table. */
async function quoteCell(page, row, company) {
  const table = page.getByRole('table', { name: 'Сравнение расчётов' });
  await table.getByRole('columnheader', { name: company }).waitFor();
  const headers = await table.getByRole('columnheader').allInnerTexts();
  const column = headers.findIndex((text) => text.includes(company));
  assert.ok(column > 0, `the comparison has a column for ${company}: ${headers.join(' | ')}`);
  return table
    .getByRole('row')
    .filter({ has: page.getByRole('rowheader', { name: row, exact: true }) })
    .getByRole('cell')
    .nth(column - 1);
}

/** Sets a task from the deal's Tasks tab to the executor. */
async function assignTask(page, title, description) {
  await page.getByRole('tab', { name: 'Задачи' }).click();
  const panel = page.getByRole('region', { name: 'Задачи по сделке' });
  await panel.getByRole('button', { name: 'Поставить задачу' }).click();
  const dialog = page.getByRole('dialog', { name: 'Новая задача' });
  await dialog.getByLabel('Тема').fill(title);
  await dialog.getByLabel('Описание').fill(description);
  await choose(page, dialog, 'Исполнитель', new RegExp(EXECUTOR.email.replace(/\./g, '\\.')));
  await dialog.getByRole('button', { name: 'Поставить задачу' }).click();
  await dialog.waitFor({ state: 'hidden' });
  const task = panel.getByRole('listitem').filter({ hasText: title });
  await task.getByText(`Исполнитель: ${EXECUTOR.name}`).waitFor();
  await task.getByText('Ожидает', { exact: true }).waitFor();
}

function statusActions(scope, title) {
  return scope.getByRole('group', { name: `Смена статуса задачи «${title}»` });
}

/** The deal's Tasks tab: the task is closed as done. */
async function completeTask(page, title) {
  await page.getByRole('tab', { name: 'Задачи' }).click();
  const task = page.getByRole('region', { name: 'Задачи по сделке' }).getByRole('listitem').filter({ hasText: title });
  await statusActions(task, title).getByRole('button', { name: 'Завершить' }).click();
  await task.getByText('Завершена', { exact: true }).waitFor();
}

/** From the Tasks screen: the task assigned to the executor opens the deal it belongs to. */
async function openTaskDeal(page, title, dealUrl) {
  const card = page.getByRole('button', { name: `Открыть задачу «${title}»` });
  await card.waitFor();
  await card.click();
  const drawer = page.getByRole('dialog', { name: 'Задача' });
  await drawer.getByRole('heading', { name: title }).waitFor();
  await drawer.getByText(EXECUTOR.name).first().waitFor();
  await statusActions(drawer, title).getByRole('button', { name: 'Взять в работу' }).click();
  await statusActions(drawer, title).getByRole('button', { name: 'Завершить' }).waitFor();
  await drawer.getByText('В работе', { exact: true }).waitFor();
  await drawer.getByRole('link', { name: 'Открыть сделку' }).click();
  await page.waitForURL(dealUrl);
  await page.getByRole('heading', { name: dealTitle, level: 1 }).waitFor();
}

test('a deal goes from the first call to the commission received', { timeout: 600_000 }, async (t) => {
  const agent = await openAs(AGENT, { width: 1440, height: 900 });
  const executor = await openAs(EXECUTOR, { width: 1440, height: 900 });
  const a = agent.page;
  const e = executor.page;
  const shots = { agent: a, executor: e };
  let dealUrl = '';

  await step(t, '1. the agent creates a client and opens a deal for it', shots, async () => {
    await signIn(agent, '/clients');
    await a.getByRole('heading', { name: 'Клиенты', level: 1 }).waitFor();
    await a.getByRole('button', { name: 'Новый клиент' }).click();
    const clientDialog = a.getByRole('dialog', { name: 'Новый клиент' });
    await clientDialog.getByLabel('Имя или название').fill(clientName);
    await clientDialog.getByLabel('Email').fill(`office-${stamp}@romashka.test`);
    await clientDialog.getByLabel('Телефон').fill('+7 495 123-45-67');
    await choose(a, clientDialog, 'Тип', 'Компания');
    await clientDialog.getByRole('button', { name: 'Создать клиента' }).click();
    await a.waitForURL(/\/clients\/[0-9a-f-]{36}$/);
    await a.getByRole('heading', { name: clientName, level: 1 }).waitFor();
    await a.getByText('Сделок пока нет.').waitFor();

    await a.getByRole('button', { name: 'Новая сделка' }).click();
    const dealDialog = a.getByRole('dialog', { name: 'Новая сделка' });
    await dealDialog.getByLabel(field('Название')).fill(dealTitle);
    await dealDialog.getByLabel('Описание').fill('Продление КАСКО на 12 машин');
    await dealDialog.getByRole('button', { name: 'Создать сделку' }).click();
    await a.waitForURL(/\/deals\/[0-9a-f-]{36}$/);
    dealUrl = a.url();
    // From here on the agent's deal card stays one document, never reloaded: this marker must survive.
    await a.evaluate(() => {
      window.__e2eSamePage = true;
    });
    await a.getByRole('heading', { name: dealTitle, level: 1 }).waitFor();
    await a.getByRole('link', { name: clientName }).waitFor();
    await a.getByText('Квалификация').first().waitFor();
    await shot(a, 1, 'deal-created');
  });

  await step(t, "2. the agent files a PDF into the deal's folder", shots, async () => {
    await a.getByRole('tab', { name: 'Документы' }).click();
    await uploadInto(a, join(workDir, dealFile), dealFile, 'Прочее');
    await shot(a, 2, 'document-uploaded');
  });

  await step(t, '3. the agent writes a journal entry', shots, async () => {
    await a.getByRole('tab', { name: 'Журнал и команда' }).click();
    const journal = a.getByRole('region', { name: 'Журнал' });
    await journal.getByLabel('Новая запись').fill(journalEntry);
    await journal.getByRole('button', { name: 'Добавить запись' }).click();
    const entry = journal.getByRole('listitem').filter({ hasText: journalEntry });
    await entry.waitFor();
    await entry.getByText(AGENT.name).waitFor();
    assert.equal(await journal.getByLabel('Новая запись').inputValue(), '', 'the form is cleared once saved');
    await a.getByRole('region', { name: 'Команда' }).getByText('В команде пока только ответственный.').waitFor();
    await shot(a, 3, 'journal');
  });

  await step(t, '4. the agent tasks the executor to prepare the calculations', shots, async () => {
    await assignTask(a, calcTaskTitle, 'Нужны расчёты КАСКО минимум от двух страховщиков');
    await shot(a, 4, 'calculations-task');
    // A deal's task puts its assignee on the deal team, which is what lets the executor see the deal.
    await a.getByRole('tab', { name: 'Журнал и команда' }).click();
    const team = a.getByRole('region', { name: 'Команда' });
    await team.getByRole('button', { name: `Убрать ${EXECUTOR.name} из команды` }).waitFor();
    await shot(a, 4, 'executor-on-team');
  });

  await step(t, '5. the executor finds the task, opens the folder and enters two quotes', shots, async () => {
    await signIn(executor, '/tasks');
    await openTaskDeal(e, calcTaskTitle, dealUrl);

    await e.getByRole('tab', { name: 'Документы' }).click();
    await e
      .getByRole('region', { name: 'Документы', exact: true })
      .getByRole('link', { name: `Скачать ${dealFile}` })
      .waitFor();

    await e.getByRole('tab', { name: 'Расчёты' }).click();
    await e.getByText('Расчётов пока нет.').waitFor();
    for (const quote of quotes) {
      await e.getByRole('button', { name: 'Добавить расчёт' }).click();
      const dialog = e.getByRole('dialog', { name: 'Новый расчёт' });
      await dialog.getByLabel('Страховщик').fill(quote.company);
      await dialog.getByLabel('Программа').fill(quote.program);
      await dialog.getByLabel('Премия, ₽').fill(quote.premium);
      await dialog.getByLabel('Страховая сумма, ₽').fill(quote.coverage);
      await dialog.getByLabel('Действует с').fill(validFrom);
      await dialog.getByLabel('Действует по').fill(validTo);
      await dialog.getByLabel('Файлы и ссылки').fill(`deal-folder/${dealFile}`);
      await dialog.getByRole('button', { name: 'Сохранить расчёт' }).click();
      await dialog.waitFor({ state: 'hidden' });
      // A complete quote is put forward to the agent.
      const actions = await quoteCell(e, 'Действия', quote.company);
      await actions.getByRole('button', { name: 'Готов', exact: true }).click();
      const status = await quoteCell(e, 'Статус', quote.company);
      await status.getByText('Готов', { exact: true }).waitFor();
    }
    const table = e.getByRole('table', { name: 'Сравнение расчётов' });
    await table.getByRole('columnheader', { name: chosen.company }).getByText('Самый выгодный').waitFor();
    await (await quoteCell(e, 'Премия', chosen.company)).getByText(rub.format(Number(chosen.premium))).waitFor();
    await shot(e, 5, 'executor-quotes');
    await completeTask(e, calcTaskTitle);
  });

  await step(
    t,
    '6. the agent confirms a quote and tasks the issuing; the executor issues the policy',
    shots,
    async () => {
      await a.getByRole('tab', { name: 'Расчёты' }).click();
      for (const quote of quotes) await (await quoteCell(a, 'Статус', quote.company)).getByText('Готов').waitFor();
      await (await quoteCell(a, 'Действия', chosen.company)).getByRole('button', { name: 'Подтвердить выбор' }).click();
      await (await quoteCell(a, 'Статус', chosen.company)).getByText('Выбран', { exact: true }).waitFor();
      await assignTask(a, issueTaskTitle, `Оформить полис по расчёту ${chosen.company}`);
      const done = a
        .getByRole('region', { name: 'Задачи по сделке' })
        .getByRole('listitem')
        .filter({ hasText: calcTaskTitle });
      await done.getByText('Завершена', { exact: true }).waitFor();
      await shot(a, 6, 'agent-confirmed');

      await e.goto(`${WEB_URL}/tasks`);
      await openTaskDeal(e, issueTaskTitle, dealUrl);
      await e.getByRole('tab', { name: 'Расчёты' }).click();
      await (await quoteCell(e, 'Статус', chosen.company)).getByText('Выбран', { exact: true }).waitFor();
      await (await quoteCell(e, 'Действия', chosen.company)).getByRole('button', { name: 'Оформить полис' }).click();
      const dialog = e.getByRole('dialog', { name: 'Оформление полиса' });
      await dialog.getByText(`По расчёту ${chosen.company}`).waitFor();
      assert.equal(
        await dialog.getByLabel('Премия, ₽').inputValue(),
        chosen.premium,
        'the premium comes from the quote',
      );
      await dialog.getByLabel('Номер полиса').fill(policyNumber);
      await dialog.getByText('Действует', { exact: true }).click();
      await dialog.getByLabel('Комиссия, %').fill(COMMISSION_RATE);
      await dialog.getByRole('button', { name: 'Оформить полис' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await (await quoteCell(e, 'Действия', chosen.company)).getByText('Полис оформлен').waitFor();

      await e.getByRole('tab', { name: 'Полисы и платежи' }).click();
      await e.getByText(`Полис № ${policyNumber}`).waitFor();
      const policy = e.getByRole('region', { name: 'Полисы' });
      await policy.getByText('Действует', { exact: true }).first().waitFor();
      await policy.getByText(`Комиссия: ${COMMISSION_RATE}`).waitFor();
      await uploadInto(e, join(workDir, policyFile), policyFile, 'Полисы');
      await shot(e, 6, 'policy-issued');
      await completeTask(e, issueTaskTitle);
    },
  );

  await step(
    t,
    "7. the executor records the client's payment; the agent's open card says it is paid",
    shots,
    async () => {
      await a.getByRole('tab', { name: 'Полисы и платежи' }).click();
      await a.getByText(`Полис № ${policyNumber}`).waitFor();
      await a.getByText('Платежей пока нет. Добавьте платёж или составьте график.').waitFor();

      // Toasts close by themselves: the agent's page is watched from before the payment is recorded.
      const toast = a
        .getByRole('alert')
        .filter({ hasText: 'Оплата подтверждена' })
        .filter({ hasText: `Платёж № 1 на ${rub.format(Number(chosen.premium))} оплачен` });
      const toastShown = toast.waitFor({ timeout: 2 * WAIT });
      toastShown.catch(() => {});

      await e.getByRole('tab', { name: 'Полисы и платежи' }).click();
      const payments = e.getByRole('region', { name: 'Платежи' });
      await payments.getByRole('button', { name: 'Добавить платёж' }).click();
      const form = e.getByRole('form', { name: 'Добавить платёж' });
      await form.getByLabel('Сумма, ₽').fill(chosen.premium);
      await form.getByLabel('Плановая дата').fill(isoDate());
      await form.getByRole('button', { name: 'Добавить платёж' }).click();
      await form.waitFor({ state: 'hidden' });
      const payment = e.getByRole('article', { name: 'Платёж № 1' });
      await payment.getByText('Запланирован').waitFor();

      await payment.getByRole('button', { name: 'Поступление', exact: true }).click();
      const income = e.getByRole('form', { name: 'Поступление' });
      await income.getByLabel('Сумма, ₽').fill(chosen.premium);
      await choose(e, income, 'Категория', 'Премия');
      await income.getByLabel('Примечание').fill('Оплата премии клиентом');
      await income.getByRole('button', { name: 'Сохранить' }).click();
      await toastShown;
      await shot(a, 7, 'agent-payment-toast');
      await income.waitFor({ state: 'hidden' });
      await payment.getByText('Оплачен', { exact: true }).waitFor();
      await payment
        .getByText(`Оплачен ${new Intl.DateTimeFormat('ru-RU', { dateStyle: 'medium' }).format(new Date())}`)
        .waitFor();
      await shot(e, 7, 'executor-payment');

      await a.getByRole('article', { name: 'Платёж № 1' }).getByText('Оплачен', { exact: true }).waitFor();
      assert.equal(await a.evaluate(() => window.__e2eSamePage === true), true, "the agent's page was not reloaded");
      assert.equal(a.url(), dealUrl);
    },
  );

  await step(
    t,
    '8. the agent parks the deal until the next event and records the commission received',
    shots,
    async () => {
      // The next event is the policy's renewal, not the paid installment.
      const suggestion = a.getByText(/^Ближайшее событие: /);
      await suggestion.waitFor();
      const date = (await suggestion.textContent()).replace('Ближайшее событие:', '').trim();
      assert.match(date, /\d{4} г\.$/, `the suggestion names a date: ${date}`);
      assert.ok(!date.startsWith(new Intl.DateTimeFormat('ru-RU', { dateStyle: 'medium' }).format(new Date())));
      await a.getByRole('button', { name: 'Отложить до события' }).click();
      await a.getByRole('button', { name: 'Отложить до события' }).waitFor({ state: 'hidden' });
      await a.getByText(date, { exact: true }).waitFor();

      const payment = a.getByRole('article', { name: 'Платёж № 1' });
      await payment.getByRole('button', { name: 'Поступление', exact: true }).click();
      const income = a.getByRole('form', { name: 'Поступление' });
      await income.getByLabel('Сумма, ₽').fill(COMMISSION);
      await choose(a, income, 'Категория', 'Комиссия');
      await income.getByLabel('Примечание').fill(`Комиссия от ${chosen.company}`);
      await income.getByRole('button', { name: 'Сохранить' }).click();
      await income.waitFor({ state: 'hidden' });
      const incomes = payment.getByRole('table', { name: 'Поступления' });
      await incomes
        .getByRole('row')
        .filter({ hasText: 'Комиссия' })
        .getByText(rub.format(Number(COMMISSION)))
        .waitFor();
      // The policy's cash flow counts it as the commission received: nothing is left to collect.
      await a.waitForFunction(
        ([selector, expected]) => document.querySelector(selector)?.textContent === expected,
        ['[data-testid="cash-flow-commissionReceived"]', rub.format(Number(COMMISSION))],
      );
      assert.equal(await a.getByTestId('cash-flow-commissionExpected').textContent(), rub.format(Number(COMMISSION)));
      assert.equal(await a.getByTestId('cash-flow-commissionOutstanding').textContent(), rub.format(0));
      assert.equal(await a.evaluate(() => window.__e2eSamePage === true), true, 'the live card was never reloaded');
      await shot(a, 8, 'parked-and-commission');
    },
  );

  await t.test('no page raised a script error', () => {
    assert.deepEqual(pages.errors, []);
  });

  await agent.context.close();
  await executor.context.close();
});
