import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { TasksScreen } from './tasks.screen';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('tasks');
  return { title: t('title') };
}

export default function TasksPage() {
  return <TasksScreen />;
}
