import { createRoot } from 'react-dom/client';
import { App, adoptPathRoute } from './app.tsx';
import './styles.css';

adoptPathRoute();
createRoot(document.getElementById('root')!).render(<App />);
