// Entry point of the dashboard webview bundle (dist/webview/dashboard.js).
import baseCss from '../shared/base.css';
import { adoptStyles } from '../shared/styles';
import { registerToolkit } from '../shared/toolkit';
import { registerCharts } from './charts';
import { DashboardApp } from './app';
import css from './dashboard.css';

registerToolkit();
registerCharts();
adoptStyles(baseCss);
adoptStyles(css);
const root = document.getElementById('root') ?? document.body.appendChild(document.createElement('main'));
new DashboardApp(root).start();
