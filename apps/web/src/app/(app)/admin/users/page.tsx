import { ROLES } from '@polis/contracts';
import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { RequireRole } from '@/components/require-role';
import { UsersAdminScreen } from './users-admin.screen';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('users');
  return { title: t('title') };
}

export default function AdminUsersPage() {
  return (
    <RequireRole roles={[ROLES.ADMIN]}>
      <UsersAdminScreen />
    </RequireRole>
  );
}
