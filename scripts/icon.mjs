// `node scripts/icon.mjs`: renders media/icon.svg to the 128x128 media/icon.png the manifest names.
import sharp from 'sharp';

const dir = new URL('../media/', import.meta.url).pathname;
const info = await sharp(`${dir}icon.svg`, { density: 72 }).resize(128, 128).png({ compressionLevel: 9 }).toFile(`${dir}icon.png`);
console.log(`media/icon.png: ${info.width}x${info.height}, ${info.size} bytes`);
