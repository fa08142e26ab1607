package io.promcc.kube;
