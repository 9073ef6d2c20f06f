// The Kubernetes object names and cluster environment live with the components that use them.
export * from '../../components/names';
