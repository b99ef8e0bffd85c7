"""Renders the built-in head with Blender's Cycles on the CPU, for bench_render's comparison
(not a test). Run by tests/benchmarks/compare_cycles.sh:

    blender -b --factory-startup -P tests/benchmarks/cycles_head.py -- HEAD.obj ENV.exr OUT.png SPP

The scene matches SynthFace's render of the same head: the level-2 subdivided mesh as
triangles, a skin material with Christensen-Burley subsurface scattering (radius 1.0, 0.45,
0.25 mm) under a GGX sheen, the same equirectangular environment (importance-sampled), a
30-degree camera 900 mm in front, 512x512, 8 bounces, no denoiser, no adaptive sampling.
"""
import math
import sys
import time

import bpy

head, env, out, spp = sys.argv[sys.argv.index("--") + 1:][:4]
spp = int(spp)

bpy.ops.wm.read_factory_settings(use_empty=True)
scene = bpy.context.scene
bpy.ops.wm.obj_import(filepath=head, forward_axis="NEGATIVE_Z", up_axis="Y")
for obj in bpy.context.selected_objects:
    obj.scale = (0.001, 0.001, 0.001)  # millimetres to metres
    material = bpy.data.materials.new("skin")
    material.use_nodes = True
    bsdf = material.node_tree.nodes["Principled BSDF"]
    bsdf.inputs["Base Color"].default_value = (0.62, 0.42, 0.33, 1.0)
    bsdf.inputs["Subsurface"].default_value = 1.0
    # Scene units are metres: 1.0, 0.45 and 0.25 mm.
    bsdf.inputs["Subsurface Radius"].default_value = (0.001, 0.00045, 0.00025)
    bsdf.inputs["Subsurface Color"].default_value = (0.62, 0.42, 0.33, 1.0)
    bsdf.inputs["Roughness"].default_value = 0.35
    bsdf.subsurface_method = "BURLEY"
    obj.data.materials.clear()
    obj.data.materials.append(material)

world = bpy.data.worlds.new("env")
world.use_nodes = True
texture = world.node_tree.nodes.new("ShaderNodeTexEnvironment")
texture.image = bpy.data.images.load(env)
world.node_tree.links.new(texture.outputs["Color"], world.node_tree.nodes["Background"].inputs["Color"])
scene.world = world

camera_data = bpy.data.cameras.new("camera")
camera_data.sensor_fit = "VERTICAL"
camera_data.angle = math.radians(30.0)
camera = bpy.data.objects.new("camera", camera_data)
camera.location = (0.0, -0.9, -0.01)
camera.rotation_euler = (math.radians(90.0), 0.0, 0.0)
scene.collection.objects.link(camera)
scene.camera = camera

scene.render.engine = "CYCLES"
scene.cycles.device = "CPU"
scene.cycles.samples = spp
scene.cycles.use_adaptive_sampling = False
scene.cycles.use_denoising = False
scene.cycles.max_bounces = 8
scene.render.threads_mode = "AUTO"
scene.render.resolution_x = 512
scene.render.resolution_y = 512
scene.render.resolution_percentage = 100
scene.render.filepath = out

start = time.time()
bpy.ops.render.render(write_still=True)
print(f"cycles: {time.time() - start:.2f} s for 512x512 at {spp} spp")
