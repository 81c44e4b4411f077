'use client';

import { DEAL_STAGES, type DealStage, type DealStatus, ROLES } from '@polis/contracts';
import { useTranslations } from 'next-intl';
import { useCallback, useMemo } from 'react';
import { isApiError } from '@/lib/api';
import { isOneOf } from '@/lib/format';
import { useErrorMessages } from '@/lib/i18n/use-error-messages';
import { useMe } from '@/lib/queries/auth.queries';
import { useAllClients } from '@/lib/queries/clients.queries';
import { useUserDirectory } from '@/lib/queries/deals.queries';

export const OPEN_STAGES: readonly DealStage[] = ['qualification', 'negotiation', 'proposal'];
export { DEAL_STAGES };

/** Today as a calendar date in the viewer's time zone (`YYYY-MM-DD`). */
export function todayIso(now: Date = new Date()): string {
  const month = String(now.getMonth() + 1).padStart(2, '0');
  const day = String(now.getDate()).padStart(2, '0');
  return `${now.getFullYear()}-${month}-${day}`;
}

export function addDaysIso(date: string, days: number): string {
  const value = new Date(`${date}T00:00:00Z`);
  value.setUTCDate(value.getUTCDate() + days);
  return value.toISOString().slice(0, 10);
}

export const STAGE_COLORS: Readonly<Record<DealStage, string>> = {
  qualification: 'gray',
  negotiation: 'blue',
  proposal: 'violet',
  closedWon: 'green',
  closedLost: 'red',
};

export function isFinalStatus(status: DealStatus): boolean {
  return status === 'won' || status === 'lost';
}

/** Names of people by id (from the user directory); unknown ids read as "—". */
export function usePeople() {
  const directory = useUserDirectory();
  const t = useTranslations('common');
  const byId = useMemo(
    () => new Map((directory.data ?? []).map((entry) => [entry.id, entry.fullName?.trim() || entry.email])),
    [directory.data],
  );
  const name = useCallback(
    (id: string | null | undefined) => (id ? (byId.get(id) ?? t('notSet')) : t('notSet')),
    [byId, t],
  );
  const options = useMemo(
    () => (directory.data ?? []).map((entry) => ({ value: entry.id, label: entry.fullName?.trim() || entry.email })),
    [directory.data],
  );
  return { name, options, isLoading: directory.isLoading };
}

/** The signed-in user as the deal screens need them: only administrators choose a deal's owner. */
export function useViewer() {
  const me = useMe();
  return {
    id: me.data?.id ?? null,
    isAdmin: me.data?.roles.some((role) => role.name === ROLES.ADMIN) ?? false,
  };
}

/** Client names by id for cards and the client picker. */
export function useClientNames() {
  const clients = useAllClients();
  const byId = useMemo(
    () => new Map((clients.data ?? []).filter((c) => !c.isDeleted).map((c) => [c.id, c.name])),
    [clients.data],
  );
  const options = useMemo(() => [...byId].map(([value, label]) => ({ value, label })), [byId]);
  return { byId, options, isLoading: clients.isLoading };
}

/** CRM refusals people can act on; the API's own words otherwise. */
const KNOWN_CODES = [
  'invalid_status_transition',
  'deal_closed',
  'ready_calculation_required',
  'active_policy_required',
  'version_conflict',
  'no_upcoming_event',
  'calculation_update_forbidden',
  'calculation_already_linked',
  'calculation_confirmed',
  'policy_already_linked',
  'program_required_for_ready',
  'premium_required_for_ready',
  'validity_period_required_for_ready',
  'files_required_for_ready',
  'policy_number_exists',
  'premium_required',
  'policy_dates_required',
  'closed_reason_required',
  'payment_cancelled',
  'payment_has_transactions',
  'policy_has_payments',
  'participant_exists',
  'currency_mismatch',
  'unsupported_currency',
  'amount_out_of_range',
  'forbidden',
] as const;
type KnownCode = (typeof KNOWN_CODES)[number];

function isKnownCode(code: string): code is KnownCode {
  return isOneOf(KNOWN_CODES, code);
}

/** A sentence for a refused CRM write: a known reason, else the API's detail, else the generic text. */
export function useCrmError() {
  const t = useTranslations('crmErrors');
  const { describe } = useErrorMessages();
  return useCallback(
    (error: unknown): string => {
      if (!isApiError(error)) return describe(error);
      if (isKnownCode(error.code)) return t(error.code);
      if (error.status === 409 || error.status === 422 || (error.status === 400 && error.code !== 'validation_error')) {
        return error.detail || describe(error);
      }
      return describe(error);
    },
    [t, describe],
  );
}
