'use client';

import { MantineProvider } from '@mantine/core';
import { DatesProvider } from '@mantine/dates';
import { Notifications } from '@mantine/notifications';
import { QueryClientProvider } from '@tanstack/react-query';
import 'dayjs/locale/ru';
import 'dayjs/locale/en';
import { type ReactNode, useState } from 'react';
import { ApiProvider } from '@/lib/api';
import type { AppLocale } from '@/lib/i18n/locales';
import { createQueryClient } from '@/lib/queries';
import { theme } from './theme';

export function Providers({ locale, children }: { locale: AppLocale; children: ReactNode }) {
  // One cache per browser tab, created once (not per render, not shared between server requests).
  const [queryClient] = useState(createQueryClient);
  return (
    <MantineProvider theme={theme} defaultColorScheme="light">
      <DatesProvider settings={{ locale }}>
        <Notifications position="top-right" />
        <ApiProvider>
          <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
        </ApiProvider>
      </DatesProvider>
    </MantineProvider>
  );
}
