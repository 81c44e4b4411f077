import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { type FetchCall, json, problem, renderWithProviders, testApi } from '@/test/render';
import { crmGateway, guid, POLICY_ID } from './crm-fixtures';
import { PolicyDocumentsPanel } from './policy-documents.panel';

vi.mock('next/navigation', () => ({ useRouter: () => ({ push: vi.fn() }), usePathname: () => '/deals/x' }));

const DEAL_ID = guid(1);
const LINKS = `/crm/policies/${POLICY_ID}/documents`;

function document(n: number, name: string, status: string, ownerId = DEAL_ID) {
  return {
    id: guid(900 + n),
    name,
    description: null,
    metadata: { ownerType: 'deal', ownerId, documentType: 'policy', notes: null, tags: [] },
    status,
    lastError: null,
    storagePath: null,
    publicUrl: null,
    mimeType: 'application/pdf',
    size: 2048,
    checksumMd5: null,
    checksumSha256: null,
    authorId: null,
    uploadedAt: '2026-01-10T10:00:00.000Z',
    syncedAt: null,
    retentionUntil: null,
    archivedAt: null,
    createdAt: '2026-01-10T10:00:00.000Z',
    updatedAt: '2026-01-10T10:00:00.000Z',
  };
}

const SCAN = document(1, 'Полис скан.pdf', 'synced');
const APPLICATION = document(2, 'Заявление.pdf', 'uploaded');
const PENDING = document(3, 'Ещё грузится.pdf', 'pending_upload');
const BROKEN = document(4, 'Сбой.pdf', 'error');
/** Linked from the client's folder: not in the deal folder's list. */
const CLIENT_CARD = document(5, 'Карточка клиента.pdf', 'synced', guid(77));

function link(documentId: string) {
  return {
    id: guid(800 + Number(documentId.slice(-3))),
    policyId: POLICY_ID,
    documentId,
    createdAt: '2026-01-11T00:00:00.000Z',
  };
}

/** Documents and CRM links as the Gateway keeps them; POST and DELETE change the links. */
function gateway(initial: string[]) {
  let linked = [...initial];
  return testApi(
    crmGateway((call: FetchCall, path) => {
      if (path === LINKS && call.method === 'GET') return json(linked.map(link));
      if (path === LINKS && call.method === 'POST') {
        const { documentId } = call.body as { documentId: string };
        linked = [...linked, documentId];
        return json(link(documentId), 201);
      }
      if (path.startsWith(`${LINKS}/`) && call.method === 'DELETE') {
        linked = linked.filter((id) => !path.endsWith(id));
        return new Response(null, { status: 204 });
      }
      if (path === '/documents') return json([SCAN, APPLICATION, PENDING, BROKEN]);
      if (path === `/documents/${CLIENT_CARD.id}`) return json(CLIENT_CARD);
      return undefined;
    }),
  );
}

function sent(api: ReturnType<typeof gateway>, method: string) {
  return api.fetch.calls
    .filter((call) => call.method === method)
    .map((call) => [new URL(call.url).pathname.replace('/api/v1', ''), call.body]);
}

describe('PolicyDocumentsPanel', () => {
  it('lists the linked documents with their names and downloads, and offers only unlinked uploaded ones', async () => {
    const api = gateway([SCAN.id, CLIENT_CARD.id, guid(999)]);
    renderWithProviders(<PolicyDocumentsPanel dealId={DEAL_ID} policyId={POLICY_ID} />, { api });

    expect(await screen.findByRole('link', { name: 'Скачать Полис скан.pdf' })).toHaveAttribute(
      'href',
      `http://gateway.test/api/v1/documents/${SCAN.id}/download`,
    );
    // A document outside the deal folder is read from Documents by its id.
    expect(await screen.findByRole('link', { name: 'Скачать Карточка клиента.pdf' })).toBeInTheDocument();
    // One that Documents no longer has can still be unlinked.
    expect(await screen.findByText('Документ удалён или недоступен')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Отвязать Документ удалён или недоступен от полиса' })).toBeEnabled();
    const lookups = api.fetch.calls.filter((call) => /\/documents\/[0-9a-f-]+$/.test(new URL(call.url).pathname));
    expect(lookups.map((call) => new URL(call.url).pathname.split('/').at(-1)).sort()).toEqual(
      [CLIENT_CARD.id, guid(999)].sort(),
    );

    await userEvent.setup().click(screen.getByRole('textbox', { name: 'Привязать документ' }));
    const options = await screen.findAllByRole('option');
    expect(options.map((option) => option.textContent)).toEqual(['Заявление.pdf']);
  });

  it('links the chosen document with a POST and shows it in the refreshed list', async () => {
    const api = gateway([SCAN.id]);
    renderWithProviders(<PolicyDocumentsPanel dealId={DEAL_ID} policyId={POLICY_ID} />, { api });
    const user = userEvent.setup();
    await screen.findByRole('link', { name: 'Скачать Полис скан.pdf' });
    expect(screen.getByRole('button', { name: 'Привязать' })).toBeDisabled();

    await user.click(screen.getByRole('textbox', { name: 'Привязать документ' }));
    await user.click(await screen.findByRole('option', { name: 'Заявление.pdf' }));
    await user.click(screen.getByRole('button', { name: 'Привязать' }));

    expect(await screen.findByRole('link', { name: 'Скачать Заявление.pdf' })).toBeInTheDocument();
    expect(await screen.findByText('Документ «Заявление.pdf» привязан к полису')).toBeInTheDocument();
    expect(sent(api, 'POST')).toEqual([[LINKS, { documentId: APPLICATION.id }]]);
    // Nothing left to link: every uploaded document of the folder is linked now.
    await waitFor(() => expect(screen.getByRole('textbox', { name: 'Привязать документ' })).toBeDisabled());
    expect(
      screen.getByText('В папке сделки нет загруженных документов, которые ещё не привязаны к этому полису.'),
    ).toBeInTheDocument();
  });

  it('unlinks with a DELETE and keeps the file in the folder', async () => {
    const api = gateway([SCAN.id]);
    renderWithProviders(<PolicyDocumentsPanel dealId={DEAL_ID} policyId={POLICY_ID} />, { api });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Отвязать Полис скан.pdf от полиса' }));

    expect(await screen.findByText('К полису пока не привязаны документы.')).toBeInTheDocument();
    expect(sent(api, 'DELETE')).toEqual([[`${LINKS}/${SCAN.id}`, undefined]]);
    expect(api.fetch.calls.some((call) => call.method === 'DELETE' && !call.url.includes('/crm/'))).toBe(false);
    // The unlinked scan can be linked again.
    await user.click(screen.getByRole('textbox', { name: 'Привязать документ' }));
    expect((await screen.findAllByRole('option')).map((option) => option.textContent)).toEqual([
      'Полис скан.pdf',
      'Заявление.pdf',
    ]);
  });

  it('says why the API refused a link, at the picker', async () => {
    const api = testApi(
      crmGateway((call, path) => {
        if (path === LINKS && call.method === 'POST') return problem(409, 'document_already_linked');
        if (path === LINKS) return json([]);
        if (path === '/documents') return json([APPLICATION]);
        return undefined;
      }),
    );
    renderWithProviders(<PolicyDocumentsPanel dealId={DEAL_ID} policyId={POLICY_ID} />, { api });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('textbox', { name: 'Привязать документ' }));
    await user.click(await screen.findByRole('option', { name: 'Заявление.pdf' }));
    await user.click(screen.getByRole('button', { name: 'Привязать' }));
    expect(await screen.findByText('Этот документ уже привязан к полису.')).toBeInTheDocument();
  });

  it('speaks English too', async () => {
    renderWithProviders(<PolicyDocumentsPanel dealId={DEAL_ID} policyId={POLICY_ID} />, {
      api: gateway([]),
      locale: 'en',
    });
    expect(await screen.findByRole('heading', { name: 'Deal documents linked to the policy' })).toBeInTheDocument();
    expect(await screen.findByText('No documents are linked to this policy yet.')).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Link a document' })).toBeInTheDocument();
  });

  it('offers a retry when the links cannot be loaded', async () => {
    let fail = true;
    const api = testApi(
      crmGateway((_call, path) => {
        if (path === LINKS) return fail ? problem(503, 'unavailable') : json([link(SCAN.id)]);
        if (path === '/documents') return json([SCAN]);
        return undefined;
      }),
    );
    renderWithProviders(<PolicyDocumentsPanel dealId={DEAL_ID} policyId={POLICY_ID} />, { api });
    const alert = await screen.findByRole('alert', { name: 'Не удалось загрузить документы полиса' });
    expect(within(alert).getByText('Сервис временно недоступен. Повторите попытку позже.')).toBeInTheDocument();
    fail = false;
    await userEvent.setup().click(within(alert).getByRole('button', { name: 'Повторить' }));
    expect(await screen.findByRole('link', { name: 'Скачать Полис скан.pdf' })).toBeInTheDocument();
  });
});
