#include "sim/pcie/pcie_link.hpp"

#include "sim/sc_time_util.hpp"

namespace wirepath {

PcieLink::PcieLink(sc_core::sc_module_name name, const PcieConfig &cfg)
    : sc_core::sc_module(name), cpu_side("cpu_side"), nic_bar0("nic_bar0"), nic_side("nic_side"),
      host_side("host_side"), model_(cfg) {
  cpu_side.register_b_transport(this, &PcieLink::b_transport_cpu);
  nic_side.register_b_transport(this, &PcieLink::b_transport_nic);
}

void PcieLink::b_transport_cpu(tlm::tlm_generic_payload &trans, sc_core::sc_time &delay) {
  const ps_t issue = now_ps() + to_ps(delay);
  if (trans.is_write()) {
    // Posted: the CPU goes on at once; the write reaches the NIC later.
    const ps_t arrive = model_.mmio_write(issue, trans.get_data_length());
    sc_core::sc_time to_nic = ps_time(arrive - now_ps());
    nic_bar0->b_transport(trans, to_nic);
    return;  // delay unchanged: no stall for the CPU
  }
  // Non-posted: the request travels down, the NIC answers (the target may
  // wait() until its RTL has), the completion travels back up.
  sc_core::sc_time to_nic = ps_time(model_.mmio_read_request(issue) - now_ps());
  nic_bar0->b_transport(trans, to_nic);
  const ps_t back = model_.mmio_read_completion(now_ps() + to_ps(to_nic), trans.get_data_length());
  delay = ps_time(back - now_ps());
}

void PcieLink::b_transport_nic(tlm::tlm_generic_payload &trans, sc_core::sc_time &delay) {
  const ps_t issue = now_ps() + to_ps(delay);
  if (trans.is_read()) {
    auto cpls = model_.dma_read(issue, trans.get_address(), trans.get_data_length());
    // Data is taken from memory now, at the NIC's local time; a correct driver
    // never writes memory the NIC may read, so no result depends on it.
    sc_core::sc_time host_delay = ps_time(issue - now_ps());
    host_side->b_transport(trans, host_delay);
    auto *ext = trans.get_extension<DmaCompletionExt>();
    if (ext) ext->completions = cpls;
    delay = ps_time((cpls.empty() ? issue : cpls.back().arrive) - now_ps());
    return;
  }
  const ps_t arrive = model_.dma_write(issue, trans.get_address(), trans.get_data_length());
  sc_core::sc_time host_delay = ps_time(arrive - now_ps());
  host_side->b_transport(trans, host_delay);
  // The NIC sees its write done once the last TLP has left it.
  delay = ps_time(model_.last_upstream_departure() - now_ps());
}

}  // namespace wirepath
