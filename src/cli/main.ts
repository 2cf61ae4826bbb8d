// fracture-cnn command line.
console.error('fracture-cnn: not implemented yet');
process.exit(2);
