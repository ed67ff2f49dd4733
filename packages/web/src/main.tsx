import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { BrowserRouter } from 'react-router';
import { ApiError } from './api/client';
import { App } from './app';
import './styles/base.css';
import './styles/shell.css';
import './styles/controls.css';
import './styles/kit.css';
import './styles/overlays.css';
import './styles/case-card.css';
import './styles/surfaces.css';
import './styles/my-work.css';
import './styles/cases.css';
import './styles/case-page.css';
import './styles/attachments.css';
import './styles/admin.css';
import './styles/channels.css';
import './styles/bulk.css';
import './styles/cases-table.css';
import './styles/customers.css';
import './styles/reports.css';
import './styles/notifications.css';
import './styles/case-data.css';
import './styles/sla.css';
import './styles/canned.css';
import './styles/mail.css';
import './styles/macros.css';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      refetchOnWindowFocus: true,
      // Client errors (401/403/404/409…) will not change by retrying.
      retry: (failures, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failures < 2,
    },
  },
});

const root = document.getElementById('root');
if (!root) throw new Error('Missing #root');

createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <App />
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
