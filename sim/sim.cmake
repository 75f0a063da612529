# wirepath_sim: the SystemC co-simulation (link, host, NIC wrapper, system).
set(SIM_DIR ${CMAKE_CURRENT_SOURCE_DIR})
add_library(wirepath_sim STATIC
  ${SIM_DIR}/pcie_link.cpp
  ${SIM_DIR}/host_bridge.cpp
  ${SIM_DIR}/host_cpu.cpp
  ${SIM_DIR}/nic_model.cpp
  ${SIM_DIR}/pcap_writer.cpp
  ${SIM_DIR}/latency.cpp)
if(EXISTS ${SIM_DIR}/system.cpp)
  target_sources(wirepath_sim PRIVATE ${SIM_DIR}/system.cpp ${SIM_DIR}/scenario.cpp)
endif()
target_include_directories(wirepath_sim PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(wirepath_sim PUBLIC wirepath_hw nic_rtl PkgConfig::SYSTEMC PkgConfig::PCAP fmt::fmt
  PRIVATE wirepath_warnings)
if(TARGET wirepath_driver)
  target_link_libraries(wirepath_sim PUBLIC wirepath_driver)
endif()

if(EXISTS ${SIM_DIR}/main.cpp)
  add_executable(wirepath ${SIM_DIR}/main.cpp)
  target_link_libraries(wirepath PRIVATE wirepath_sim CLI11::CLI11 wirepath_warnings)
endif()
