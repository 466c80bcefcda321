import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { PublicApp } from './PublicApp';

const root = document.getElementById('root');
if (root === null) throw new Error('p.html has no #root');
createRoot(root).render(
  <StrictMode>
    <PublicApp />
  </StrictMode>,
);
