// Entry point of the classify webview bundle (dist/webview/classify.js).
import baseCss from '../shared/base.css';
import { adoptStyles } from '../shared/styles';
import { registerToolkit } from '../shared/toolkit';
import { ClassifyApp } from './app';
import css from './classify.css';
import detailCss from './detail.css';
import tableCss from './table.css';

registerToolkit();
adoptStyles(baseCss);
adoptStyles(css);
adoptStyles(detailCss);
adoptStyles(tableCss);
const root = document.getElementById('root') ?? document.body.appendChild(document.createElement('main'));
new ClassifyApp(root);
