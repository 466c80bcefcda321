import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './app/console.css';
import { ConsoleApp } from './app/App';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <ConsoleApp />
  </StrictMode>,
);
