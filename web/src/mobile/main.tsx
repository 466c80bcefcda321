import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './mobile.css';
import { PhoneApp } from './App';

const root = document.getElementById('root');
if (root === null) throw new Error('m.html has no #root');
createRoot(root).render(
  <StrictMode>
    <PhoneApp />
  </StrictMode>,
);
