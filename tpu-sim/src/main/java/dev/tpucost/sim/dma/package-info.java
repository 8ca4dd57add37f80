/** HBM traffic: DMA transfers of blocks between HBM and VMEM, their efficiency and their cost in cycles. */
package dev.tpucost.sim.dma;
